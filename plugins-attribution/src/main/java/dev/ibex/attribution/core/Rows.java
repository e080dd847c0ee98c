package dev.ibex.attribution.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Gathering rows of a batch for batched perturbation: which sample each model row comes from. */
public final class Rows {
  private Rows() {}

  /**
   * The samples of {@code x} that the rows derive from, in row order.
   *
   * @param x (N, …) batch
   * @param sampleOfRow the sample index of each row
   * @param into the manager the gathered rows go to (e.g. a per-chunk scope)
   * @return (rows, …) copies of the samples, on {@code into}
   */
  public static NDArray gather(NDArray x, int[] sampleOfRow, NDManager into) {
    long[] index = new long[sampleOfRow.length];
    for (int i = 0; i < index.length; i++) {
      index[i] = sampleOfRow[i];
    }
    NDArray rows = x.get(into.create(index).toDevice(x.getDevice(), false));
    rows.attach(into);
    return rows;
  }
}
