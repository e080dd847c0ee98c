package dev.ibex.training.sib;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The weights of S-IB's soft quantile over d sorted values, softmax(−|i − q·(d−1)| / T), reduced to
 * the ranks [from, to) where they are non-zero once cast to the array's type: at T = 0.1 a float32
 * weight underflows to exactly 0 about 10 ranks from q·(d−1), so the weighted sum over all d sorted
 * values and the one over the window differ only by the order in which the same non-zero terms are
 * added (float rounding).
 *
 * @param from the first rank with a non-zero weight
 * @param to one past the last
 * @param weights the weights of ranks [from, to), in double precision
 * @param type the type the weights are applied in
 */
record QuantileWeights(int from, int to, double[] weights, DataType type) {

  /**
   * @param d the number of values
   * @param q the quantile in [0, 1]
   * @param temperature the temperature T of the index softmax
   * @param type the type of the values
   * @return the weights, reduced to their non-zero window in that type
   */
  static QuantileWeights of(int d, double q, double temperature, DataType type) {
    double[] logits = new double[d];
    double pos = q * (d - 1);
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < d; i++) {
      logits[i] = -Math.abs(i - pos) / temperature;
      max = Math.max(max, logits[i]);
    }
    double sum = 0;
    for (int i = 0; i < d; i++) {
      logits[i] = Math.exp(logits[i] - max);
      sum += logits[i];
    }
    double[] weights = new double[d];
    for (int i = 0; i < d; i++) {
      weights[i] = logits[i] / sum;
    }
    int from = 0;
    int to = d;
    while (from < to - 1 && castsToZero(weights[from], type)) {
      from++;
    }
    while (to - 1 > from && castsToZero(weights[to - 1], type)) {
      to--;
    }
    return new QuantileWeights(from, to, java.util.Arrays.copyOfRange(weights, from, to), type);
  }

  /** Whether a weight becomes exactly 0 in the type (only the float types are reduced). */
  private static boolean castsToZero(double w, DataType type) {
    if (type == DataType.FLOAT32) {
      return (float) w == 0f;
    }
    if (type == DataType.FLOAT64) {
      return w == 0;
    }
    return false;
  }

  /**
   * The soft quantile from the window's order statistics.
   *
   * @param ranks (N, to − from), the sorted values of ranks [from, to) of each row
   * @return (N, 1), differentiable
   */
  NDArray apply(NDArray ranks) {
    NDArray w = ranks.getManager().create(weights).toType(type, false).reshape(1, weights.length);
    return ranks.mul(w).sum(new int[] {1}, true);
  }
}
