package dev.ibex.api.model;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts forward and backward passes through a model, per sample row: a forward of a batch of 8
 * rows counts 8. Attributors report the difference over a call as their pass counts.
 *
 * <p>Thread-safe: the totals count every thread, and a {@link Mark} counts the rows of the thread
 * that made it, so attributions running at the same time on one model each report their own passes.
 */
public final class PassCounter {
  private final AtomicLong forward = new AtomicLong();
  private final AtomicLong backward = new AtomicLong();
  // this thread's forward and backward rows
  private final ThreadLocal<long[]> ofThread = ThreadLocal.withInitial(() -> new long[2]);

  /**
   * @param rows rows that went forward through the whole model
   */
  public void countForward(long rows) {
    forward.addAndGet(rows);
    ofThread.get()[0] += rows;
  }

  /**
   * @param rows rows whose score was back-propagated
   */
  public void countBackward(long rows) {
    backward.addAndGet(rows);
    ofThread.get()[1] += rows;
  }

  /**
   * @return forward rows so far, all threads
   */
  public long forward() {
    return forward.get();
  }

  /**
   * @return backward rows so far, all threads
   */
  public long backward() {
    return backward.get();
  }

  /**
   * The calling thread's counts now, to measure what one call on this thread adds ({@link
   * Mark#forward()}, {@link Mark#backward()}).
   *
   * @return a mark at the current counts
   */
  public Mark mark() {
    long[] mine = ofThread.get();
    return new Mark(mine, mine[0], mine[1]);
  }

  /** The calling thread's counts at one moment; reads the rows that thread counted since. */
  public static final class Mark {
    private final long[] counts;
    private final long forward0;
    private final long backward0;

    private Mark(long[] counts, long forward0, long backward0) {
      this.counts = counts;
      this.forward0 = forward0;
      this.backward0 = backward0;
    }

    /**
     * @return forward rows the marking thread counted since the mark
     */
    public long forward() {
      return counts[0] - forward0;
    }

    /**
     * @return backward rows the marking thread counted since the mark
     */
    public long backward() {
      return counts[1] - backward0;
    }
  }
}
