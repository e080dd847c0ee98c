package dev.ibex.api;

import com.google.common.collect.ImmutableMap;
import java.util.Arrays;
import java.util.Map;

/**
 * A metric's score: the mean over scored samples, each sample's score ({@code NaN} where a sample
 * was skipped, e.g. an empty mask), how many were skipped, and named extra values.
 *
 * <p>A batch-level metric (a statistic of the whole batch such as HSIC dependence, or a throughput)
 * has no per-sample scores: its {@code perSample} is empty and {@code skipped} is 0 (see {@link
 * #ofBatch}).
 *
 * @param metric the metric's name
 * @param direction which way is better
 * @param value mean over scored samples ({@code NaN} if none was scored)
 * @param perSample per-sample scores, {@code NaN} for skipped samples
 * @param skipped number of skipped samples
 * @param extras further named values (e.g. per-layer correlations, curve points)
 */
public record MetricResult(
    String metric,
    Direction direction,
    double value,
    double[] perSample,
    int skipped,
    ImmutableMap<String, double[]> extras) {

  /**
   * A result from per-sample scores; NaN entries count as skipped.
   *
   * @param metric the metric's name
   * @param direction which way is better
   * @param perSample scores, NaN where skipped
   * @param extras further named values
   * @return the result
   */
  public static MetricResult of(
      String metric, Direction direction, double[] perSample, Map<String, double[]> extras) {
    double sum = 0;
    int n = 0;
    for (double v : perSample) {
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return new MetricResult(
        metric,
        direction,
        n == 0 ? Double.NaN : sum / n,
        perSample.clone(),
        perSample.length - n,
        ImmutableMap.copyOf(extras));
  }

  /**
   * A result of a batch-level metric: one value for the whole batch, no per-sample scores. (Added
   * for metrics such as {@code info-differential} and {@code fps}.)
   *
   * @param metric the metric's name
   * @param direction which way is better
   * @param value the batch's score
   * @param extras further named values
   * @return the result, with an empty {@code perSample}
   */
  public static MetricResult ofBatch(
      String metric, Direction direction, double value, Map<String, double[]> extras) {
    return new MetricResult(
        metric, direction, value, new double[0], 0, ImmutableMap.copyOf(extras));
  }

  @Override
  public String toString() {
    return metric
        + " = "
        + value
        + " ("
        + direction
        + ", "
        + (perSample.length - skipped)
        + " scored, "
        + skipped
        + " skipped) "
        + Arrays.toString(perSample);
  }
}
