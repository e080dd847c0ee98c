package dev.ibex.attribution.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Adds chunks of rows into per-sample sums one row per sample at a time, in row order, so that a
 * sample's sum is {@code ((v_0 + v_1) + v_2) + …} however the rows were cut into chunks: a
 * batch-expanding method gives the same result for every chunk size (bit for bit where the model's
 * value of a row does not depend on the rows beside it). Rows of the same position in different
 * samples are added in one operation.
 */
public final class OrderedSums {
  private OrderedSums() {}

  /**
   * Adds rows {@code [from, to)} laid out node-major (node 0 of every sample, then node 1, …).
   *
   * @param sums (N, …) per-sample sums, updated in place
   * @param values (to − from, …) the rows' values
   * @param from the first row
   * @param to one past the last row
   * @param chunk a manager for the chunk's intermediates
   */
  public static void addNodeMajor(NDArray sums, NDArray values, int from, int to, NDManager chunk) {
    int n = (int) sums.getShape().get(0);
    for (int a = from; a < to; ) {
      int b = Math.min(to, (a / n + 1) * n);
      add(sums, a % n, a % n + b - a, values.get((a - from) + ":" + (b - from)), chunk);
      a = b;
    }
  }

  /**
   * Adds rows {@code [from, to)} laid out sample-major ({@code perSample} consecutive rows of
   * sample 0, then of sample 1, …).
   *
   * @param sums (N, …) per-sample sums, updated in place
   * @param values (to − from, …) the rows' values
   * @param from the first row
   * @param to one past the last row
   * @param perSample rows per sample
   * @param chunk a manager for the chunk's intermediates
   */
  public static void addSampleMajor(
      NDArray sums, NDArray values, int from, int to, int perSample, NDManager chunk) {
    int s0 = from / perSample;
    int s1 = (to - 1) / perSample;
    for (int d = 0; d < perSample; d++) {
      // the samples of the chunk that have their row d in it: all but perhaps the first and last
      int first = (long) s0 * perSample + d < from ? s0 + 1 : s0;
      int last = (long) s1 * perSample + d >= to ? s1 - 1 : s1;
      if (first > last) {
        continue;
      }
      int r0 = first * perSample + d - from;
      int r1 = last * perSample + d - from + 1;
      add(sums, first, last + 1, values.get(r0 + ":" + r1 + ":" + perSample), chunk);
    }
  }

  /** sums[s0:s1] += rows. */
  private static void add(NDArray sums, int s0, int s1, NDArray rows, NDManager chunk) {
    if (s0 == 0 && s1 == sums.getShape().get(0)) {
      sums.addi(rows);
    } else {
      NDIndex samples = new NDIndex(s0 + ":" + s1);
      sums.set(samples, sums.get(chunk, samples).add(rows));
    }
  }
}
