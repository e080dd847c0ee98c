package dev.ibex.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A tiny GNU-style parser: {@code --flag}, {@code --key value}, repeatable {@code --set k=v}. */
final class Args {
  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final List<String> flags = new ArrayList<>();

  private Args() {}

  /**
   * Parses arguments against the options a command accepts.
   *
   * @param args the arguments after the command name
   * @param withValue options that take a value
   * @param flagNames options that take none
   */
  static Args parse(List<String> args, Set<String> withValue, Set<String> flagNames) {
    return parse(null, args, withValue, flagNames);
  }

  /**
   * Parses arguments, refusing an option that another command takes with "COMMAND does not take
   * --X" rather than ignoring it.
   *
   * @param command the command's name, for messages ({@code null}: none)
   * @param args the arguments after the command name
   * @param withValue options that take a value
   * @param flagNames options that take none
   */
  static Args parse(String command, List<String> args, Set<String> withValue, Set<String> flagNames) {
    Args a = new Args();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (flagNames.contains(arg)) {
        a.flags.add(arg);
      } else if (withValue.contains(arg)) {
        if (i + 1 >= args.size()) {
          throw new UsageException(arg + " needs a value");
        }
        a.values.computeIfAbsent(arg, k -> new ArrayList<>()).add(args.get(++i));
      } else if (command != null && arg.startsWith("--")) {
        throw new UsageException(command + " does not take " + arg + " (see " + command + " --help)");
      } else {
        throw new UsageException("unknown argument '" + arg + "'");
      }
    }
    return a;
  }

  boolean flag(String name) {
    return flags.contains(name);
  }

  Optional<String> get(String name) {
    List<String> v = values.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (v.size() > 1) {
      throw new UsageException(name + " given more than once");
    }
    return Optional.of(v.get(0));
  }

  String require(String name) {
    return get(name).orElseThrow(() -> new UsageException("missing " + name));
  }

  int intValue(String name, int def) {
    return intValue(name, def, 1);
  }

  int intValue(String name, int def, int min) {
    long n = longValue(name, def);
    if (n < min || n > Integer.MAX_VALUE) {
      throw new UsageException(name + " must be an integer of at least " + min + ", got " + n);
    }
    return (int) n;
  }

  long longValue(String name, long def) {
    String v = get(name).orElse(null);
    if (v == null) {
      return def;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(name + " must be an integer, got '" + v + "'");
    }
  }

  /** A real value greater than {@code above}. */
  double realValue(String name, double def, double above) {
    String v = get(name).orElse(null);
    if (v == null) {
      return def;
    }
    double d;
    try {
      d = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(name + " must be a number, got '" + v + "'");
    }
    if (!(d > above) || Double.isInfinite(d)) {
      throw new UsageException(name + " must be a finite number above " + above + ", got " + v);
    }
    return d;
  }

  /** One of an enum's constants, named in lower case. */
  <E extends Enum<E>> E choice(String name, E def, Class<E> type) {
    String v = get(name).orElse(null);
    if (v == null) {
      return def;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v.trim())) {
        return e;
      }
    }
    throw new UsageException(name + " must be one of "
        + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(java.util.Locale.ROOT) + ", got '" + v + "'");
  }

  /** The {@code --set key=value} pairs, in order. */
  Map<String, String> settings() {
    return settings("--set");
  }

  /** The {@code key=value} pairs of a repeatable option, in order. */
  Map<String, String> settings(String option) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : values.getOrDefault(option, List.of())) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new UsageException(option + " needs key=value, got '" + kv + "'");
      }
      String key = kv.substring(0, eq);
      String previous = out.put(key, kv.substring(eq + 1));
      if (previous != null) {
        // the last one silently winning hides a typo in a long command line
        throw new UsageException(option + ": option " + key + " given twice ('" + previous + "' and '" + kv.substring(eq + 1) + "')");
      }
    }
    return out;
  }
}
