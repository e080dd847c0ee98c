package dev.ibex.cli;

import java.util.List;

/** One sub-command of the {@code ibex} CLI. */
interface Command {
  /** @return the word that selects it, e.g. {@code explain} */
  String name();

  /** @return its usage, one or more lines */
  String usage();

  /**
   * Runs the command.
   *
   * @param host plugins, device and output streams
   * @param args arguments after the command word
   * @throws Exception any failure; {@link dev.ibex.api.IbexException}s become exit code 2
   */
  void run(Host host, List<String> args) throws Exception;
}
