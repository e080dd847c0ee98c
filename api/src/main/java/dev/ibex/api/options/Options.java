package dev.ibex.api.options;

import com.google.common.collect.ImmutableMap;
import dev.ibex.api.InvalidOptionException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Validated option values for one plugin: every value has passed its {@link OptionSpec}. Immutable;
 * {@link #with} returns a changed copy. Obtain one from {@link OptionSchema#defaults()}.
 */
public final class Options {
  private final OptionSchema schema;
  private final ImmutableMap<String, Object> values;

  Options(OptionSchema schema, Map<String, Object> values) {
    this.schema = schema;
    this.values = ImmutableMap.copyOf(values);
  }

  /**
   * A copy with one option set to a typed value.
   *
   * @param name option name
   * @param value the value (Integer, Double, Boolean, String, or a documented object)
   * @return the new options
   * @throws InvalidOptionException if unknown, of the wrong type or out of range
   */
  public Options with(String name, Object value) {
    Object v = schema.spec(name).validate(value);
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put(name, v);
    return new Options(schema, m);
  }

  /**
   * A copy with one option parsed from command-line text.
   *
   * @param name option name
   * @param text the value as text
   * @return the new options
   * @throws InvalidOptionException if unknown, unparsable or out of range
   */
  public Options withText(String name, String text) {
    return with(name, schema.spec(name).parse(text));
  }

  /**
   * @return the schema these options belong to
   */
  public OptionSchema schema() {
    return schema;
  }

  /**
   * @return all set values, by name, in schema order of first setting
   */
  public Map<String, Object> asMap() {
    return values;
  }

  /**
   * The raw value of an option.
   *
   * @param name option name
   * @return the value, empty if the option has no default and was not set
   */
  public Optional<Object> get(String name) {
    schema.spec(name);
    return Optional.ofNullable(values.get(name));
  }

  private Object require(String name) {
    return get(name)
        .orElseThrow(() -> new InvalidOptionException("option '" + name + "' must be set"));
  }

  /**
   * @param name an {@link OptionType#INT} option
   * @return its value
   */
  public int getInt(String name) {
    return (Integer) require(name);
  }

  /**
   * @param name an {@link OptionType#DOUBLE} option
   * @return its value
   */
  public double getDouble(String name) {
    return ((Number) require(name)).doubleValue();
  }

  /**
   * @param name an {@link OptionType#BOOLEAN} option
   * @return its value
   */
  public boolean getBoolean(String name) {
    return (Boolean) require(name);
  }

  /**
   * @param name a string, choice or value option holding a string
   * @return its value
   */
  public String getString(String name) {
    Object v = require(name);
    if (!(v instanceof String)) {
      throw new InvalidOptionException(
          "option '" + name + "' holds a " + v.getClass().getSimpleName() + ", not text");
    }
    return (String) v;
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
