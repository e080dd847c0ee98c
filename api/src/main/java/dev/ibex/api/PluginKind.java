package dev.ibex.api;

/**
 * The three kinds of ibex plugin, each an SPI interface found through {@link
 * java.util.ServiceLoader}.
 */
public enum PluginKind {
  /** {@link Attributor}: explains a model's output on an input. */
  ATTRIBUTOR(Attributor.class, "attributor"),
  /** {@link Regularizer}: adds a loss term to training. */
  REGULARIZER(Regularizer.class, "regularizer"),
  /** {@link Metric}: scores attributions. */
  METRIC(Metric.class, "metric");

  private final Class<? extends Plugin> type;
  private final String label;

  PluginKind(Class<? extends Plugin> type, String label) {
    this.type = type;
    this.label = label;
  }

  /**
   * The SPI interface of this kind.
   *
   * @return the interface providers implement
   */
  public Class<? extends Plugin> type() {
    return type;
  }

  /**
   * The kind's lower-case name, as the CLI prints it.
   *
   * @return e.g. {@code attributor}
   */
  public String label() {
    return label;
  }

  /**
   * The kind of a plugin instance.
   *
   * @param plugin a plugin
   * @return its kind
   */
  public static PluginKind of(Plugin plugin) {
    for (PluginKind kind : values()) {
      if (kind.type.isInstance(plugin)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(plugin.getClass() + " implements no ibex SPI interface");
  }
}
