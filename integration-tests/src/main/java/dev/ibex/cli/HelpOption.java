package dev.ibex.cli;

import picocli.CommandLine.Option;

/**
 * {@code COMMAND --help}. Hidden in each command's option list: the top-level help, which shows
 * every command's, says it once.
 */
final class HelpOption {
  @Option(names = "--help", usageHelp = true, hidden = true)
  boolean requested;
}
