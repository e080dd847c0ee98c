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
    String v = get(name).orElse(null);
    if (v == null) {
      return def;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < 1) {
        throw new UsageException(name + " must be at least 1, got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(name + " must be an integer, got '" + v + "'");
    }
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
      out.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return out;
  }
}
