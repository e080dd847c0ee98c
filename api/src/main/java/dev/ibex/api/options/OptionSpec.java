package dev.ibex.api.options;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.ibex.api.InvalidOptionException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * One option of a plugin: name, type, default, allowed range or choices, and a line of
 * documentation. Immutable; build one with the static factories and the {@code with…} methods.
 */
public final class OptionSpec {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  private final String name;
  private final OptionType type;
  private final Object defaultValue;
  private final Double min;
  private final Double max;
  private final ImmutableList<String> choices;
  private final String doc;
  private final UnaryOperator<Object> check;

  private OptionSpec(
      String name,
      OptionType type,
      Object defaultValue,
      Double min,
      Double max,
      ImmutableList<String> choices,
      String doc,
      UnaryOperator<Object> check) {
    checkArgument(NAME.matcher(name).matches(), "option name must be kebab-case: %s", name);
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
    this.min = min;
    this.max = max;
    this.choices = choices;
    this.doc = doc;
    this.check = check;
    if (defaultValue != null) {
      validate(defaultValue);
    }
  }

  /**
   * An integer option.
   *
   * @param name kebab-case name
   * @param defaultValue default
   * @param doc one line of documentation
   * @return the spec
   */
  public static OptionSpec integer(String name, int defaultValue, String doc) {
    return unbounded(name, OptionType.INT, defaultValue, doc);
  }

  /**
   * A real-valued option.
   *
   * @param name kebab-case name
   * @param defaultValue default
   * @param doc one line of documentation
   * @return the spec
   */
  public static OptionSpec real(String name, double defaultValue, String doc) {
    return unbounded(name, OptionType.DOUBLE, defaultValue, doc);
  }

  /**
   * A boolean option.
   *
   * @param name kebab-case name
   * @param defaultValue default
   * @param doc one line of documentation
   * @return the spec
   */
  public static OptionSpec bool(String name, boolean defaultValue, String doc) {
    return unbounded(name, OptionType.BOOLEAN, defaultValue, doc);
  }

  /**
   * A free-text option.
   *
   * @param name kebab-case name
   * @param defaultValue default, or {@code null} for "not set"
   * @param doc one line of documentation
   * @return the spec
   */
  public static OptionSpec text(String name, String defaultValue, String doc) {
    return unbounded(name, OptionType.STRING, defaultValue, doc);
  }

  /**
   * An option that takes one of a fixed list of strings.
   *
   * @param name kebab-case name
   * @param defaultValue default, one of {@code choices}
   * @param choices allowed values
   * @param doc one line of documentation
   * @return the spec
   */
  public static OptionSpec choice(
      String name, String defaultValue, List<String> choices, String doc) {
    return new OptionSpec(
        name,
        OptionType.CHOICE,
        defaultValue,
        null,
        null,
        ImmutableList.copyOf(choices),
        doc,
        null);
  }

  /**
   * An option given as a string on the command line or as a documented object from Java.
   *
   * @param name kebab-case name
   * @param defaultValue default (a string)
   * @param doc one line of documentation, which must say what strings and objects are accepted
   * @return the spec
   */
  public static OptionSpec value(String name, String defaultValue, String doc) {
    return unbounded(name, OptionType.VALUE, defaultValue, doc);
  }

  // a spec of a type without choices, range or check: what the with… methods start from
  private static OptionSpec unbounded(
      String name, OptionType type, Object defaultValue, String doc) {
    return new OptionSpec(name, type, defaultValue, null, null, ImmutableList.of(), doc, null);
  }

  /**
   * This spec with an inclusive numeric range.
   *
   * @param lo smallest allowed value
   * @param hi largest allowed value
   * @return a new spec
   */
  public OptionSpec withRange(double lo, double hi) {
    checkArgument(
        type == OptionType.INT || type == OptionType.DOUBLE, "range on non-numeric %s", name);
    checkArgument(lo <= hi, "empty range for %s", name);
    return new OptionSpec(name, type, defaultValue, lo, hi, choices, doc, check);
  }

  /**
   * This spec with another default (validated against its type, range and choices): how a plugin
   * adopts a shared option of {@link StandardOptions} with its own default.
   *
   * @param value the new default, or {@code null} for none
   * @return a new spec
   */
  public OptionSpec withDefault(Object value) {
    return new OptionSpec(name, type, value, min, max, choices, doc, check);
  }

  /**
   * This value option with a check that validates (and may canonicalise) every value given to it,
   * from text or Java, throwing {@link InvalidOptionException} on a value it refuses.
   *
   * @param valueCheck returns the canonical value or throws
   * @return a new spec
   */
  public OptionSpec withCheck(UnaryOperator<Object> valueCheck) {
    checkArgument(type == OptionType.VALUE, "a check is for value options, not %s", name);
    return new OptionSpec(name, type, defaultValue, min, max, choices, doc, valueCheck);
  }

  /**
   * This spec with another line of documentation, saying what the option means for one plugin.
   *
   * @param text the documentation
   * @return a new spec
   */
  public OptionSpec withDoc(String text) {
    return new OptionSpec(name, type, defaultValue, min, max, choices, text, check);
  }

  /**
   * This spec with a lower bound only.
   *
   * @param lo smallest allowed value
   * @return a new spec
   */
  public OptionSpec withMin(double lo) {
    return withRange(lo, Double.POSITIVE_INFINITY);
  }

  /**
   * @return the kebab-case name
   */
  public String name() {
    return name;
  }

  /**
   * @return the value type
   */
  public OptionType type() {
    return type;
  }

  /**
   * @return the default value, or {@code null} when the option has none
   */
  public Object defaultValue() {
    return defaultValue;
  }

  /**
   * @return the inclusive lower bound, or {@code null}
   */
  public Double min() {
    return min;
  }

  /**
   * @return the inclusive upper bound, or {@code null}
   */
  public Double max() {
    return max;
  }

  /**
   * @return the allowed values of a {@link OptionType#CHOICE} option, else empty
   */
  public List<String> choices() {
    return choices;
  }

  /**
   * @return one line of documentation
   */
  public String doc() {
    return doc;
  }

  /**
   * Parses a command-line string into this option's type and validates it.
   *
   * @param text the string
   * @return the typed value
   * @throws InvalidOptionException if it does not parse or is out of range
   */
  public Object parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.trim();
    Object value;
    try {
      switch (type) {
        case INT:
          value = Integer.parseInt(t);
          break;
        case DOUBLE:
          value = Double.parseDouble(t);
          break;
        case BOOLEAN:
          String lower = t.toLowerCase(Locale.ROOT);
          if (!lower.equals("true") && !lower.equals("false")) {
            throw new InvalidOptionException(
                "option '" + name + "' must be true or false, got '" + text + "'");
          }
          value = Boolean.parseBoolean(lower);
          break;
        default:
          value = t;
      }
    } catch (NumberFormatException e) {
      throw new InvalidOptionException(
          "option '" + name + "' must be " + describeType() + ", got '" + text + "'");
    }
    return validate(value);
  }

  /**
   * Checks a typed value (from Java) against this option, converting numbers where lossless.
   *
   * @param value the value
   * @return the value in this option's canonical type
   * @throws InvalidOptionException if the type is wrong or the value out of range
   */
  public Object validate(Object value) {
    if (value == null) {
      throw new InvalidOptionException("option '" + name + "' must not be null");
    }
    Object v = value;
    switch (type) {
      case INT:
        if (v instanceof Long && (Long) v == ((Long) v).intValue()) {
          v = ((Long) v).intValue();
        }
        if (!(v instanceof Integer)) {
          throw wrongType(value);
        }
        checkRange(((Integer) v).doubleValue());
        break;
      case DOUBLE:
        if (!(v instanceof Number)) {
          throw wrongType(value);
        }
        v = ((Number) v).doubleValue();
        if (((Double) v).isNaN()) {
          throw new InvalidOptionException("option '" + name + "' must not be NaN");
        }
        checkRange((Double) v);
        break;
      case BOOLEAN:
        if (!(v instanceof Boolean)) {
          throw wrongType(value);
        }
        break;
      case STRING:
        if (!(v instanceof String)) {
          throw wrongType(value);
        }
        break;
      case CHOICE:
        if (!(v instanceof String) || !choices.contains(v)) {
          throw new InvalidOptionException(
              "option '" + name + "' must be one of " + choices + ", got '" + value + "'");
        }
        break;
      default:
        if (check != null) {
          v = check.apply(v);
        }
        break;
    }
    return v;
  }

  private void checkRange(double v) {
    if ((min != null && v < min) || (max != null && v > max)) {
      throw new InvalidOptionException(
          "option '" + name + "' = " + format(v) + " is out of range " + rangeText());
    }
  }

  /**
   * @return the allowed range as text, e.g. {@code [1, 10000]}, or empty when unbounded
   */
  public String rangeText() {
    if (min == null && max == null) {
      return "";
    }
    return "["
        + (min == null ? "-inf" : format(min))
        + ", "
        + (max == null || max.isInfinite() ? "inf" : format(max))
        + "]";
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private String describeType() {
    switch (type) {
      case INT:
        return "an integer";
      case DOUBLE:
        return "a number";
      case BOOLEAN:
        return "true or false";
      case CHOICE:
        return "one of " + choices;
      default:
        return "a string";
    }
  }

  private InvalidOptionException wrongType(Object value) {
    return new InvalidOptionException(
        "option '"
            + name
            + "' must be "
            + describeType()
            + ", got "
            + value.getClass().getSimpleName()
            + " '"
            + value
            + "'");
  }

  @Override
  public String toString() {
    return name + " (" + type.name().toLowerCase(Locale.ROOT) + ", default " + defaultValue + ")";
  }
}
