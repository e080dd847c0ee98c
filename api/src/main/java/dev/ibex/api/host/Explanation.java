package dev.ibex.api.host;

import dev.ibex.api.Attribution;
import dev.ibex.api.MetricResult;
import java.util.Map;

/**
 * What a {@link Pipeline} returns: the attribution and each metric's result, by metric name in the
 * order the metrics were added.
 *
 * @param attribution the attribution (its values live on the input's manager)
 * @param scores metric name to result (immutable)
 */
public record Explanation(Attribution attribution, Map<String, MetricResult> scores) {
  /** Copies the scores into an immutable map. */
  public Explanation {
    scores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scores));
  }

  /**
   * One metric's result.
   *
   * @param metric the metric's name
   * @return its result
   * @throws IllegalArgumentException if the pipeline had no such metric
   */
  public MetricResult score(String metric) {
    MetricResult r = scores.get(metric);
    if (r == null) {
      throw new IllegalArgumentException(
          "no metric '" + metric + "' in this explanation; it has " + scores.keySet());
    }
    return r;
  }
}
