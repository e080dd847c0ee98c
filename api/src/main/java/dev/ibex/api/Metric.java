package dev.ibex.api;

import dev.ibex.api.options.Options;

/**
 * A metric over attributions (localisation, faithfulness, consistency, complexity, sanity,
 * information, throughput). Stateless; batched where it runs the model.
 */
public interface Metric extends Plugin {
  /** @return which way the score improves */
  Direction direction();

  /**
   * Scores attributions.
   *
   * @param input attributions and what the metric needs besides
   * @param options validated options from {@link #options()}
   * @return the score, per sample and aggregated
   * @throws InvalidInputException when a needed part is missing or malformed
   */
  MetricResult evaluate(MetricInput input, Options options);

  /**
   * {@link #evaluate(MetricInput, Options)} with default options.
   *
   * @param input attributions and what the metric needs besides
   * @return the score
   */
  default MetricResult evaluate(MetricInput input) {
    return evaluate(input, options().defaults());
  }
}
