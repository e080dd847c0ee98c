package dev.ibex.api.options;

/** The value types an option can have. */
public enum OptionType {
  /** A whole number ({@link Integer}). */
  INT,
  /** A real number ({@link Double}). */
  DOUBLE,
  /** {@code true} or {@code false}. */
  BOOLEAN,
  /** Free text. */
  STRING,
  /** One of a fixed list of strings. */
  CHOICE,
  /**
   * A string from the command line, or from Java any object the plugin documents (e.g. an NDArray
   * baseline). The plugin interprets it.
   */
  VALUE
}
