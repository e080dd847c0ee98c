package dev.ibex.cli;

/**
 * One sub-command of the {@code ibex} CLI: a picocli {@code @Command} whose options picocli has
 * filled in, run with what every command shares.
 */
interface Subcommand {
  /**
   * Runs the command.
   *
   * @param host plugins, device and output streams
   * @throws Exception any failure; {@link dev.ibex.api.IbexException}s become exit code 2
   */
  void run(Host host) throws Exception;
}
