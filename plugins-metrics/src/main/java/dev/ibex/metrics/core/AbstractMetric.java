package dev.ibex.metrics.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.Metric;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.options.Options;
import java.util.Objects;

/**
 * The template every built-in metric follows: check the options, open a scratch scope that is
 * closed afterwards (so every intermediate array is freed), and let the metric compute its {@link
 * Scores}. Per-sample scores of {@code NaN} are skipped samples (e.g. an empty mask) and are counted
 * in {@link MetricResult#skipped()}.
 */
public abstract class AbstractMetric implements Metric {

  @Override
  public final MetricResult evaluate(MetricInput input, Options options) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(options, "options");
    if (options.schema() != options()) {
      throw new InvalidOptionException(
          "options for '" + name() + "' must come from its own schema (use options().defaults())");
    }
    NDArray anchor = input.attributions().or(input::inputs).orElseThrow(
        () -> new InvalidInputException("metric '" + name() + "' needs attributions or inputs"));
    try (NDManager scratch = anchor.getManager().newSubManager()) {
      MetricContext ctx = new MetricContext(name(), input, options, scratch);
      Scores scores = compute(ctx);
      return scores.batchValue().isPresent()
          ? MetricResult.ofBatch(name(), direction(), scores.batchValue().getAsDouble(), scores.extras())
          : MetricResult.of(name(), direction(), scores.perSample(), scores.extras());
    }
  }

  /**
   * Computes the scores. Intermediates go on {@link MetricContext#scratch()}.
   *
   * @param ctx the call
   * @return per-sample (or batch-level) scores and extras
   */
  protected abstract Scores compute(MetricContext ctx);
}
