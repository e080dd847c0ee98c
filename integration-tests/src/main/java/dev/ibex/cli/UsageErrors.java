package dev.ibex.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.MaxValuesExceededException;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Parses a command line with picocli and says what is wrong with it in one line, naming the option
 * or argument: the {@link UsageException} that {@link Main} turns into exit code 2.
 */
final class UsageErrors {
  private UsageErrors() {}

  /**
   * Parses {@code args}; a malformed command line is one {@link UsageException}.
   *
   * @param cli the top-level command line
   * @param args the arguments
   * @return what picocli matched
   */
  static ParseResult parse(CommandLine cli, String[] args) {
    ParseResult parsed;
    try {
      parsed = cli.parseArgs(args);
    } catch (ParameterException e) {
      throw new UsageException(describe(e, List.of(args)));
    }
    for (ParseResult command = parsed; command != null; command = command.subcommand()) {
      command.matchedOptions().stream()
          .filter(o -> o.typeInfo().isMap())
          .forEach(UsageErrors::refuseRepeatedKeys);
    }
    return parsed;
  }

  /**
   * A key given twice is refused: picocli lets the last one win, which hides a typo in a long
   * command line. The option's string values are its keys and values in turn.
   */
  private static void refuseRepeatedKeys(OptionSpec option) {
    List<String> kv = option.stringValues();
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i + 1 < kv.size(); i += 2) {
      String previous = seen.put(kv.get(i), kv.get(i + 1));
      if (previous != null) {
        throw new UsageException(
            option.longestName()
                + ": option "
                + kv.get(i)
                + " given twice ('"
                + previous
                + "' and '"
                + kv.get(i + 1)
                + "')");
      }
    }
  }

  private static String describe(ParameterException e, List<String> args) {
    CommandLine command = e.getCommandLine();
    // an option the command does not take is the first thing to fix, even when required ones
    // are missing too
    List<String> unmatched =
        e instanceof UnmatchedArgumentException u
            ? u.getUnmatched()
            : command.getParseResult() == null ? List.of() : command.getParseResult().unmatched();
    if (!unmatched.isEmpty()) {
      return unmatched(command, unmatched);
    }
    if (e instanceof MissingParameterException m) {
      return missing(m.getMissing(), args);
    }
    if (e instanceof MaxValuesExceededException) {
      String clash = exclusiveClash(command, args);
      if (clash != null) {
        return clash;
      }
    }
    if (e instanceof OverwrittenOptionException o) {
      return name(o.getOverwritten()) + " given more than once";
    }
    if (e.getArgSpec() != null && e.getArgSpec().type().isEnum() && e.getValue() != null) {
      return name(e.getArgSpec())
          + " must be one of "
          + choices(e.getArgSpec().type())
          + ", got '"
          + e.getValue()
          + "'";
    }
    if (e.getArgSpec() != null
        && e.getArgSpec().typeInfo().isMap()
        && e.getValue() != null
        && !e.getValue().contains("=")) {
      return name(e.getArgSpec()) + " needs key=value, got '" + e.getValue() + "'";
    }
    // the converters of ValueConverters say what the value must be
    if (e.getCause() instanceof TypeConversionException) {
      return name(e.getArgSpec()) + " " + e.getCause().getMessage();
    }
    return e.getMessage().replaceFirst("^Error: ", "").lines().findFirst().orElse("");
  }

  /**
   * Options that are not there, or one that is there without its value. For a group, picocli lists
   * all its options, given or not.
   */
  private static String missing(List<ArgSpec> missing, List<String> args) {
    if (missing.get(0).group() != null && missing.get(0).group().exclusive()) {
      return "missing one of "
          + missing.stream().map(UsageErrors::name).collect(Collectors.joining(", "));
    }
    List<String> absent =
        missing.stream()
            .filter(ArgSpec::required)
            .map(UsageErrors::name)
            .filter(n -> !args.contains(n))
            .toList();
    if (absent.isEmpty()) {
      return missing.stream()
              .map(UsageErrors::name)
              .filter(args::contains)
              .findFirst()
              .orElse(name(missing.get(0)))
          + " needs a value";
    }
    return "missing " + String.join(", ", absent);
  }

  private static String unmatched(CommandLine command, List<String> unmatched) {
    String first =
        unmatched.stream().filter(a -> a.startsWith("-")).findFirst().orElse(unmatched.get(0));
    boolean topLevel = command.getParent() == null;
    if (!first.startsWith("-")) {
      return topLevel
          ? "unknown command '"
              + first
              + "' (commands: "
              + String.join(", ", command.getSubcommands().keySet())
              + ")"
          : "unknown argument '" + first + "'";
    }
    if (topLevel) {
      return "unknown option '" + first + "' (see --help)";
    }
    String name = command.getCommandName();
    String option = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
    boolean global = command.getParent().getCommandSpec().findOption(option) != null;
    return name
        + " does not take "
        + option
        + (global ? ": global options go before the command" : " (see " + name + " --help)");
  }

  /**
   * Options of one exclusive group given together, where the group holds a subgroup ({@code
   * --target K [--target-mask M]}): picocli then reports "expected only one match" with its
   * internal match objects rather than its "mutually exclusive" line.
   */
  private static String exclusiveClash(CommandLine command, List<String> args) {
    for (ArgGroupSpec group : command.getCommandSpec().argGroups()) {
      if (!group.exclusive()) {
        continue;
      }
      List<String> given = new ArrayList<>();
      for (ArgSpec arg : group.args()) {
        if (arg instanceof OptionSpec o && isGiven(o, args)) {
          given.add(o.longestName());
        }
      }
      for (ArgGroupSpec sub : group.subgroups()) {
        sub.allOptionsNested().stream()
            .filter(o -> isGiven(o, args))
            .findFirst()
            .ifPresent(o -> given.add(o.longestName()));
      }
      if (given.size() > 1) {
        return String.join(", ", given) + " are mutually exclusive (specify only one)";
      }
    }
    return null;
  }

  private static boolean isGiven(OptionSpec option, List<String> args) {
    for (String name : option.names()) {
      for (String arg : args) {
        if (arg.equals(name) || arg.startsWith(name + "=")) {
          return true;
        }
      }
    }
    return false;
  }

  private static String name(ArgSpec arg) {
    return arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel();
  }

  private static String choices(Class<?> enumType) {
    return Arrays.stream(enumType.getEnumConstants())
        .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
