package dev.ibex.training.sib;

import ai.djl.ndarray.NDArray;

/**
 * Sorted values of a band of ranks of each row, by a partial sort ({@code topk}) from the nearer
 * end when the band is close to it, else by a full sort. Values and their gradient (scattered back
 * to the positions they came from) are those of the same ranks of the full sort.
 */
final class OrderStatistics {
  /** The share of a row above which a full sort is cheaper than a partial one. */
  private static final int PARTIAL_DIVISOR = 4;

  private OrderStatistics() {}

  /**
   * @param d the row length
   * @param from the first rank
   * @param to one past the last rank
   * @return whether {@link #ranks} reads the band by a partial sort
   */
  static boolean partial(int d, int from, int to) {
    return Math.min(to, d - from) <= d / PARTIAL_DIVISOR;
  }

  /**
   * @param v (N, D)
   * @param from the first rank (0 = smallest)
   * @param to one past the last
   * @return (N, to − from), ascending, differentiable
   */
  static NDArray ranks(NDArray v, int from, int to) {
    int d = Math.toIntExact(v.getShape().get(1));
    if (!partial(d, from, to)) {
      return slice(v.sort(1), from, to);
    }
    if (to <= d - from) {
      // the smallest `to` values, ascending
      return slice(v.topK(to, 1, false, true).get(0), from, to);
    }
    // the largest d − from values, descending: rank d − 1 − j sits at position j; flipping the
    // band puts it in ascending order
    NDArray top = v.topK(d - from, 1, true, true).get(0);
    return slice(top, d - to, d - from).flip(1);
  }

  /**
   * @param a (N, D)
   * @param from first column
   * @param to one past the last
   * @return the columns [from, to), a view (the whole array when that is all of it)
   */
  static NDArray slice(NDArray a, int from, int to) {
    if (from == 0 && to == a.getShape().get(1)) {
      return a;
    }
    return a.get(":, " + from + ":" + to);
  }
}
