package dev.ibex.metrics;

import dev.ibex.api.Metric;
import dev.ibex.api.plugins.Plugins;

/** Metrics as a host finds them: through {@link java.util.ServiceLoader} discovery. */
final class MetricsUnderTest {
  private static final Plugins PLUGINS = Plugins.discover(MetricsUnderTest.class.getClassLoader());

  private MetricsUnderTest() {}

  static Metric get(String name) {
    return PLUGINS.metric(name);
  }

  static Plugins plugins() {
    return PLUGINS;
  }
}
