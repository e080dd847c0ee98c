package dev.ibex.api.spi;

import ai.djl.ndarray.NDManager;

/**
 * Runs a long row range in chunks, each chunk in its own sub-manager that is closed when the chunk
 * is done: batched methods (path points, noise draws, masks, occluded inputs) keep at most one
 * chunk of intermediates alive. Chunks have a fixed number of rows, or as many as a {@link
 * MemoryBudget} allows.
 */
public final class Chunks {
  private Chunks() {}

  /** The work of one chunk. */
  @FunctionalInterface
  public interface Body {
    /**
     * @param from first row of the chunk
     * @param to one past its last row
     * @param chunk a manager for the chunk's intermediates, closed after this call
     */
    void run(int from, int to, NDManager chunk);
  }

  /** The work of one chunk of sample-major rows. */
  @FunctionalInterface
  public interface SampleRowsBody {
    /**
     * @param from first row of the chunk
     * @param to one past its last row
     * @param sampleOfRow the sample of each row of the chunk ({@link #sampleMajor})
     * @param chunk a manager for the chunk's intermediates, closed after this call
     */
    void run(int from, int to, int[] sampleOfRow, NDManager chunk);
  }

  /**
   * Runs rows {@code [0, total)} in chunks.
   *
   * @param total the number of rows
   * @param size rows per chunk, at least 1
   * @param parent the manager whose sub-managers the chunks use
   * @param body the work of one chunk
   * @throws IllegalArgumentException if {@code size < 1} or the total exceeds {@code int} rows
   */
  public static void forEach(long total, int size, NDManager parent, Body body) {
    if (size < 1) {
      throw new IllegalArgumentException("chunk size must be at least 1, got " + size);
    }
    requireIntRows(total);
    for (int from = 0; from < total; from += size) {
      int to = (int) Math.min(total, (long) from + size);
      try (NDManager chunk = parent.newSubManager()) {
        body.run(from, to, chunk);
      }
    }
  }

  /**
   * Runs rows {@code [0, total)} in chunks of the rows a memory budget allows.
   *
   * @param total the number of rows
   * @param budget how many rows a chunk may have
   * @param parent the manager whose sub-managers the chunks use
   * @param body the work of one chunk
   * @throws IllegalArgumentException if the total exceeds {@code int} rows
   */
  public static void forEach(long total, MemoryBudget budget, NDManager parent, Body body) {
    forEach(total, budget.rows(Math.max(1, total)), parent, body);
  }

  private static void requireIntRows(long total) {
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many rows for one call: " + total);
    }
  }

  /**
   * Runs the rows of a batch where every sample contributes {@code perSample} consecutive rows
   * (sample-major: its noise draws, masked copies, occluded positions…) in chunks, handing each
   * chunk the sample of each of its rows.
   *
   * @param samples the number of samples
   * @param perSample rows per sample
   * @param size rows per chunk, at least 1
   * @param parent the manager whose sub-managers the chunks use
   * @param body the work of one chunk
   * @throws IllegalArgumentException if {@code size < 1} or the rows exceed {@code int} rows
   */
  public static void forEachSampleMajor(
      int samples, int perSample, int size, NDManager parent, SampleRowsBody body) {
    forEach(
        (long) samples * perSample,
        size,
        parent,
        (from, to, chunk) -> body.run(from, to, sampleMajor(from, to, perSample), chunk));
  }

  /**
   * Runs sample-major rows (see {@link #forEachSampleMajor(int, int, int, NDManager,
   * SampleRowsBody)}) in chunks sized by a memory budget.
   *
   * @param samples the number of samples
   * @param perSample rows per sample
   * @param budget how many rows a chunk may have
   * @param parent the manager whose sub-managers the chunks use
   * @param body the work of one chunk
   * @throws IllegalArgumentException if the rows exceed {@code int} rows
   */
  public static void forEachSampleMajor(
      int samples, int perSample, MemoryBudget budget, NDManager parent, SampleRowsBody body) {
    forEach(
        (long) samples * perSample,
        budget,
        parent,
        (from, to, chunk) -> body.run(from, to, sampleMajor(from, to, perSample), chunk));
  }

  /**
   * The sample of each row when every sample contributes {@code perSample} consecutive rows
   * (sample-major: noise draws of sample 0, then of sample 1, …).
   *
   * @param from first row
   * @param to one past the last row
   * @param perSample rows per sample
   * @return {@code row / perSample} for each row
   */
  public static int[] sampleMajor(int from, int to, int perSample) {
    int[] s = new int[to - from];
    for (int r = from; r < to; r++) {
      s[r - from] = r / perSample;
    }
    return s;
  }

  /**
   * The sample of each row when rows cycle through the samples (node-major: node 0 of every sample,
   * then node 1, …).
   *
   * @param from first row
   * @param to one past the last row
   * @param samples number of samples
   * @return {@code row % samples} for each row
   */
  public static int[] nodeMajor(int from, int to, int samples) {
    int[] s = new int[to - from];
    for (int r = from; r < to; r++) {
      s[r - from] = r % samples;
    }
    return s;
  }
}
