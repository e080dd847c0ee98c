package dev.ibex.cli;

import picocli.CommandLine.Mixin;

/**
 * One sub-command of the {@code ibex} CLI: a picocli {@code @Command} whose options picocli has
 * filled in, run with what every command shares. Every command takes {@code --help}.
 */
abstract class Subcommand {
  @Mixin HelpOption help;

  /**
   * Runs the command.
   *
   * @param host ibex with the discovered plugins, the device and the output streams
   * @throws Exception any failure; {@link dev.ibex.api.IbexException}s become exit code 2
   */
  public abstract void run(Host host) throws Exception;
}
