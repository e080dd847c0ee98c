package dev.ibex.metrics.complexity;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;
import dev.ibex.api.MetricInput;
import dev.ibex.api.spi.AbstractMetric;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.Scores;
import java.util.Arrays;

/**
 * Sparseness (Chalasani et al., "Concise Explanations of Neural Networks using Adversarial
 * Training", ICML 2020): the Gini index of the attribution magnitudes of each sample, over all its
 * elements. With {@code a_1 ≤ … ≤ a_n} the sorted |attributions|: {@code G = Σ_k (2k − n − 1) a_k /
 * (n Σ_k a_k)}, in [0, 1 − 1/n]. n is the number of elements of one sample, never the batch size.
 * A constant or all-zero map scores 0. Higher is better (sparser).
 */
@AutoService(Metric.class)
public final class Sparseness extends AbstractMetric {

  public Sparseness() {
    super("sparseness",
        "Gini index of the attribution magnitudes (Chalasani et al. 2020)",
        Direction.HIGHER_IS_BETTER,
        java.util.EnumSet.of(MetricInput.Part.ATTRIBUTIONS));
  }

  @Override
  protected Scores compute(MetricContext ctx) {
    double[][] a = Elements.perSample(ctx.attributions());
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = gini(a[i]);
    }
    return Scores.perSample(out);
  }

  static double gini(double[] values) {
    double[] a = Arrays.stream(values).map(Math::abs).sorted().toArray();
    int n = a.length;
    double num = 0;
    double sum = 0;
    for (int k = 1; k <= n; k++) {
      num += (2.0 * k - n - 1) * a[k - 1];
      sum += a[k - 1];
    }
    return sum == 0 ? 0 : num / (n * sum);
  }
}
