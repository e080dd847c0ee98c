package dev.ibex.metrics.complexity;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;
import java.util.Arrays;

/**
 * Sparseness (Chalasani et al., "Concise Explanations of Neural Networks using Adversarial
 * Training", ICML 2020): the Gini index of the attribution magnitudes of each sample, over all its
 * elements. With {@code a_1 ≤ … ≤ a_n} the sorted |attributions|: {@code G = Σ_k (2k − n − 1) a_k /
 * (n Σ_k a_k)}, in [0, 1 − 1/n]. n is the number of elements of one sample, never the batch size. A
 * constant or all-zero map scores 0. Higher is better (sparser).
 */
@AutoService(Metric.class)
public final class Sparseness extends ElementMetric {

  public Sparseness() {
    super(
        "sparseness",
        "Gini index of the attribution magnitudes (Chalasani et al. 2020)",
        Direction.HIGHER_IS_BETTER);
  }

  @Override
  protected double score(double[] values) {
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
