package dev.ibex.api;

import dev.ibex.api.options.Options;
import java.util.Set;

/**
 * A metric over attributions (localisation, faithfulness, consistency, complexity, sanity,
 * information, throughput). Stateless; batched where it runs the model.
 */
public interface Metric extends Plugin {
  /**
   * @return which way the score improves
   */
  Direction direction();

  /**
   * What this metric needs in its {@link MetricInput} under the given options, so that a host can
   * check (with {@link MetricInput#missing}) before calling. Metrics built on {@code
   * dev.ibex.api.spi.AbstractMetric} declare it in their constructor; the default says attributions
   * only.
   *
   * @param options the options it would run with
   * @return the parts it needs
   */
  default Set<MetricInput.Part> needs(Options options) {
    return Set.of(MetricInput.Part.ATTRIBUTIONS);
  }

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
