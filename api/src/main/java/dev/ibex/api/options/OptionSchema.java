package dev.ibex.api.options;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.ibex.api.InvalidOptionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ordered, immutable list of options a plugin accepts. */
public final class OptionSchema {
  /** The schema of a plugin without options. */
  public static final OptionSchema EMPTY = new OptionSchema(ImmutableList.of());

  private final ImmutableMap<String, OptionSpec> specs;

  private OptionSchema(List<OptionSpec> specs) {
    ImmutableMap.Builder<String, OptionSpec> b = ImmutableMap.builder();
    for (OptionSpec s : specs) {
      b.put(s.name(), s);
    }
    this.specs = b.buildOrThrow();
  }

  /**
   * A schema of the given options, in the given order.
   *
   * @param specs the options; names must be unique
   * @return the schema
   */
  public static OptionSchema of(OptionSpec... specs) {
    return new OptionSchema(ImmutableList.copyOf(specs));
  }

  /**
   * This schema followed by more options (for plugins that extend another's options).
   *
   * @param more additional options
   * @return a new schema
   */
  public OptionSchema plus(OptionSpec... more) {
    ImmutableList.Builder<OptionSpec> b = ImmutableList.builder();
    b.addAll(specs.values()).add(more);
    return new OptionSchema(b.build());
  }

  /**
   * @return the options in declaration order (immutable)
   */
  public List<OptionSpec> specs() {
    return specs.values().asList();
  }

  /**
   * The spec of one option.
   *
   * @param name option name
   * @return the spec
   * @throws InvalidOptionException if there is no such option
   */
  public OptionSpec spec(String name) {
    OptionSpec s = specs.get(name);
    if (s == null) {
      throw new InvalidOptionException(
          "unknown option '"
              + name
              + "'; "
              + (specs.isEmpty()
                  ? "this plugin takes no options"
                  : "known: " + String.join(", ", specs.keySet())));
    }
    return s;
  }

  /**
   * @return the options all at their defaults
   */
  public Options defaults() {
    Map<String, Object> values = new LinkedHashMap<>();
    for (OptionSpec s : specs.values()) {
      if (s.defaultValue() != null) {
        values.put(s.name(), s.defaultValue());
      }
    }
    return new Options(this, values);
  }

  /**
   * Parses command-line strings ({@code name -> text}) over the defaults, validating each.
   *
   * @param texts option values as strings
   * @return the options
   * @throws InvalidOptionException on an unknown option or a bad value
   */
  public Options parse(Map<String, String> texts) {
    Options o = defaults();
    for (Map.Entry<String, String> e : texts.entrySet()) {
      o = o.withText(e.getKey(), e.getValue());
    }
    return o;
  }

  /**
   * Binds typed Java values ({@code name -> value}) over the defaults, validating each.
   *
   * @param values option values
   * @return the options
   * @throws InvalidOptionException on an unknown option or a bad value
   */
  public Options bind(Map<String, ?> values) {
    Options o = defaults();
    for (Map.Entry<String, ?> e : values.entrySet()) {
      o = o.with(e.getKey(), e.getValue());
    }
    return o;
  }
}
