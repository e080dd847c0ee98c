package dev.ibex.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;

/**
 * The top-level {@code ibex} command: the global options, which go before the command, and the
 * sub-commands. Its {@code --help} shows every command's own help, so one page (and README.md's
 * synopsis) documents the whole CLI.
 */
@Command(
    name = "java -jar ibex.jar",
    synopsisHeading = "usage: ",
    synopsisSubcommandLabel = "COMMAND ...",
    description = {
      "Attribution methods, training regularisers and metrics for deep nets (DJL + PyTorch), all plugins.",
      "Exit status: 0 success, 2 bad usage or input (one line on stderr), 1 internal error or plugin bug."
    },
    commandListHeading = "%ncommands (java -jar ibex.jar COMMAND --help shows one):%n",
    subcommands = {
      ListCommand.class,
      ExplainCommand.class,
      ExplainPairsCommand.class,
      EvaluateCommand.class,
      BenchCommand.class,
      TrainCommand.class,
      DemoCommand.class
    },
    sortOptions = false,
    sortSynopsis = false)
final class IbexCommand {
  /** Help lines are at most this wide (README.md's synopsis is the help, indented). */
  static final int HELP_WIDTH = 100;

  /** A command's synopsis continues under the program's name, after " usage: ". */
  private static final int SYNOPSIS_INDENT = 11;

  /**
   * Room for the longest option with its value, e.g. {@code --method-set=key=value}, beside its
   * description.
   */
  private static final int LONG_OPTIONS_WIDTH = 24;

  @Option(
      names = "--plugins",
      paramLabel = "DIR",
      description = "also load the plugins of every jar in DIR")
  Path pluginDir;

  @Option(
      names = "--device",
      paramLabel = "cpu|gpu|gpuN",
      description = "where models run (default: a visible GPU, else the CPU)")
  String device;

  @Option(names = "--debug", description = "print the stack trace of an error")
  boolean debug;

  @Option(names = "--help", usageHelp = true, description = "print this help")
  boolean help;

  /**
   * The command line for this command object; help goes to {@code out}, in plain text.
   *
   * @param ibex the object picocli fills with the global options
   * @param out where help is printed
   * @return the command line, sub-commands included
   */
  static CommandLine commandLine(IbexCommand ibex, PrintWriter out) {
    CommandLine cli =
        new CommandLine(ibex)
            .setExpandAtFiles(false) // "@name" is a value like any other, not a file of arguments
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setUsageHelpWidth(HELP_WIDTH)
            .setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF))
            .setHelpFactory(SpaceWrappedHelp::new)
            .setOut(out);
    cli.getCommandSpec().usageMessage().longOptionsMaxWidth(LONG_OPTIONS_WIDTH);
    cli.getHelpSectionMap()
        .put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, IbexCommand::everyCommandsHelp);
    for (CommandLine command : cli.getSubcommands().values()) {
      UsageMessageSpec usage = command.getCommandSpec().usageMessage();
      // only the header ("explain - attribute ...") starts at the margin: the top-level help
      // indents each command's help by two, so the lines at two spaces are the commands
      usage.synopsisHeading("  usage: ");
      usage.sortOptions(false).sortSynopsis(false).longOptionsMaxWidth(LONG_OPTIONS_WIDTH);
    }
    return cli;
  }

  /** Each command's own help, indented under the command list's heading. */
  private static String everyCommandsHelp(Help help) {
    return help.subcommands().values().stream()
        .map(
            c ->
                c.commandSpec()
                    .commandLine()
                    .getUsageMessage()
                    .stripTrailing()
                    .lines()
                    .map(l -> l.isEmpty() ? l : "  " + l)
                    .collect(Collectors.joining(System.lineSeparator())))
        .collect(
            Collectors.joining(
                System.lineSeparator() + System.lineSeparator(), "", System.lineSeparator()));
  }

  /**
   * Help whose synopsis is wrapped at spaces only: picocli's line breaking (the JDK's) would split
   * "--input=X.npy" after the dot.
   */
  private static final class SpaceWrappedHelp extends Help {
    SpaceWrappedHelp(CommandSpec spec, ColorScheme colours) {
      super(spec, colours);
    }

    @Override
    protected String insertSynopsisCommandName(int headingLength, Text details) {
      StringBuilder synopsis = new StringBuilder();
      int column = headingLength;
      int indent = commandSpec().parent() == null ? headingLength : SYNOPSIS_INDENT;
      for (String word : (commandSpec().qualifiedName() + details.plainString()).split(" ")) {
        if (column > indent && column + 1 + word.length() > commandSpec().usageMessage().width()) {
          synopsis.append(System.lineSeparator()).append(" ".repeat(indent));
          column = indent;
        } else if (synopsis.length() > 0) {
          synopsis.append(' ');
          column++;
        }
        synopsis.append(word);
        column += word.length();
      }
      return synopsis.append(System.lineSeparator()).toString();
    }
  }
}
