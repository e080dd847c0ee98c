package dev.ibex.metrics.complexity;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;

/**
 * Complexity (Bhatt et al., "Evaluating and Aggregating Feature-based Model Explanations", IJCAI
 * 2020): the entropy (natural log) of the fractional contributions {@code p_i = |a_i| / Σ_j |a_j|}
 * of each sample's elements, {@code −Σ p_i ln p_i}, in [0, ln n]. An all-zero map is treated as the
 * uniform one (ln n: nothing is singled out), never NaN. Lower is better (simpler).
 */
@AutoService(Metric.class)
public final class Complexity extends ElementMetric {

  public Complexity() {
    super(
        "complexity",
        "Entropy of the fractional attribution magnitudes (Bhatt et al. 2020)",
        Direction.LOWER_IS_BETTER);
  }

  @Override
  protected double score(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += Math.abs(v);
    }
    if (sum == 0) {
      return Math.log(values.length);
    }
    double h = 0;
    for (double v : values) {
      double p = Math.abs(v) / sum;
      if (p > 0) {
        h -= p * Math.log(p);
      }
    }
    return h;
  }
}
