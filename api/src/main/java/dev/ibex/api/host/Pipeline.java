package dev.ibex.api.host;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Target;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.Options;
import dev.ibex.api.plugins.PluginCalls;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One attributor and several metrics, run together: the attribution once, then each metric on it
 * (metrics that re-run the attributor get it with its options). Immutable: {@link #metric} returns
 * a new pipeline, so a configured pipeline can be shared by threads.
 */
public final class Pipeline {
  private final Ibex ibex;
  private final Attributor attributor;
  private final Options options;
  private final Map<String, Map<String, ?>> metrics;

  Pipeline(Ibex ibex, Attributor attributor, Options options) {
    this(ibex, attributor, options, Map.of());
  }

  private Pipeline(
      Ibex ibex, Attributor attributor, Options options, Map<String, Map<String, ?>> metrics) {
    this.ibex = ibex;
    this.attributor = attributor;
    this.options = options;
    this.metrics = metrics;
  }

  /**
   * This pipeline with one more metric (validated now: an unknown metric or option fails here).
   *
   * @param name the metric's name
   * @param metricOptions its options (name to text or value)
   * @return the new pipeline
   */
  public Pipeline metric(String name, Map<String, ?> metricOptions) {
    Ibex.options(ibex.plugins().metric(name), metricOptions);
    Map<String, Map<String, ?>> more = new LinkedHashMap<>(metrics);
    more.put(name, Map.copyOf(metricOptions));
    return new Pipeline(ibex, attributor, options, more);
  }

  /**
   * @return the attributor
   */
  public Attributor attributor() {
    return attributor;
  }

  /**
   * @return the attributor's options
   */
  public Options options() {
    return options;
  }

  /**
   * Attributes and scores, without ground-truth masks.
   *
   * @param model the model
   * @param input the batch, on a manager of the calling thread
   * @param target what to explain
   * @return the attribution and the scores
   */
  public Explanation run(ExplainableModel model, NDArray input, Target target) {
    return run(model, input, target, null);
  }

  /**
   * Attributes and scores.
   *
   * @param model the model
   * @param input the batch, on a manager of the calling thread
   * @param target what to explain
   * @param masks binary ground-truth masks (N, H, W) for localisation metrics, or {@code null}
   * @return the attribution and the scores
   */
  public Explanation run(ExplainableModel model, NDArray input, Target target, NDArray masks) {
    Attribution a = PluginCalls.attribute(attributor, model, input, target, options);
    MetricInput.Builder in =
        MetricInput.builder()
            .model(model)
            .inputs(input)
            .target(target)
            .attributions(a.values())
            .attributor(attributor, options);
    if (masks != null) {
      in.masks(masks);
    }
    MetricInput metricInput = in.build();
    Map<String, MetricResult> scores = new LinkedHashMap<>();
    metrics.forEach((name, o) -> scores.put(name, ibex.score(name, metricInput, o)));
    return new Explanation(a, scores);
  }
}
