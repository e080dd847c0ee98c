package dev.ibex.metrics;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.Metric;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Target;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.plugins.Plugins;
import java.util.Map;

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

  /**
   * Evaluates a metric as a host does: its options bound from plain values.
   *
   * @param name the metric
   * @param in the input
   * @param options option values by name (the rest take their defaults)
   * @return the result
   */
  static MetricResult evaluate(String name, MetricInput in, Map<String, ?> options) {
    Metric metric = get(name);
    return metric.evaluate(in, metric.options().bind(options));
  }

  /**
   * @param model the model
   * @param x its input batch
   * @return an input builder with the model, the batch and class 0 as the target
   */
  static MetricInput.Builder classZero(ExplainableModel model, NDArray x) {
    return MetricInput.builder().model(model).inputs(x).target(Target.ofClass(0));
  }
}
