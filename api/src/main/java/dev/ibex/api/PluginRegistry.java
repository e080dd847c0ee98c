package dev.ibex.api;

/**
 * The plugins a host has discovered, looked up by kind and name. A host hands it to plugins that
 * compose others ({@link RegistryAware}), so a wrapper such as SmoothGrad can wrap a method that
 * came from a plugin jar.
 */
public interface PluginRegistry {
  /**
   * Looks up a plugin.
   *
   * @param kind the kind
   * @param name the name
   * @return the plugin
   * @throws UnknownPluginException listing the names that exist (and a load failure recorded for
   *     that name, if any)
   */
  Plugin get(PluginKind kind, String name);

  /**
   * @param name an attributor name
   * @return the attributor
   * @throws UnknownPluginException if there is none of that name
   */
  default Attributor attributor(String name) {
    return (Attributor) get(PluginKind.ATTRIBUTOR, name);
  }

  /**
   * @param name a regularizer name
   * @return the regularizer
   * @throws UnknownPluginException if there is none of that name
   */
  default Regularizer regularizer(String name) {
    return (Regularizer) get(PluginKind.REGULARIZER, name);
  }

  /**
   * @param name a metric name
   * @return the metric
   * @throws UnknownPluginException if there is none of that name
   */
  default Metric metric(String name) {
    return (Metric) get(PluginKind.METRIC, name);
  }
}
