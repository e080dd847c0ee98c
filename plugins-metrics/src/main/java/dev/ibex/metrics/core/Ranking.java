package dev.ibex.metrics.core;

import java.util.Arrays;

/** Orderings of map values that treat ties explicitly. */
public final class Ranking {
  private Ranking() {}

  /**
   * Pixel indices from the highest value to the lowest; ties keep index order (a stable sort), so
   * the order is deterministic.
   *
   * @param v a map
   * @return indices, most relevant first
   */
  public static int[] descending(double[] v) {
    Integer[] idx = new Integer[v.length];
    for (int i = 0; i < v.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (x, y) -> Double.compare(v[y], v[x]));
    return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
  }

  /**
   * The expected number of mask pixels among the top-k values when ties at the k-th value are
   * broken uniformly at random: every value above the k-th counts fully, and the pixels tied with
   * it share the remaining slots equally. A constant map thus scores k·|mask|/n, not whatever an
   * index order would give.
   *
   * @param v a map
   * @param mask the mask
   * @param k how many top values, 1..n
   * @return the expected overlap in [0, k]
   */
  public static double topKOverlap(double[] v, boolean[] mask, int k) {
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    double kth = sorted[v.length - k];
    int above = 0;
    int tied = 0;
    int aboveIn = 0;
    int tiedIn = 0;
    for (int i = 0; i < v.length; i++) {
      if (v[i] > kth) {
        above++;
        aboveIn += mask[i] ? 1 : 0;
      } else if (v[i] == kth) {
        tied++;
        tiedIn += mask[i] ? 1 : 0;
      }
    }
    return aboveIn + (double) (k - above) * tiedIn / tied;
  }
}
