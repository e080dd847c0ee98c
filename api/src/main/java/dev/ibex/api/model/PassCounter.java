package dev.ibex.api.model;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts forward and backward passes through a model, per sample row: a forward of a batch of 8
 * rows counts 8. Attributors report the difference over a call as their pass counts.
 */
public final class PassCounter {
  private final AtomicLong forward = new AtomicLong();
  private final AtomicLong backward = new AtomicLong();

  /**
   * @param rows rows that went forward through the whole model
   */
  public void countForward(long rows) {
    forward.addAndGet(rows);
  }

  /**
   * @param rows rows whose score was back-propagated
   */
  public void countBackward(long rows) {
    backward.addAndGet(rows);
  }

  /**
   * @return forward rows so far
   */
  public long forward() {
    return forward.get();
  }

  /**
   * @return backward rows so far
   */
  public long backward() {
    return backward.get();
  }

  /**
   * The counts now, to measure what one call adds ({@link Mark#forward()}, {@link
   * Mark#backward()}).
   *
   * @return a mark at the current counts
   */
  public Mark mark() {
    return new Mark(this, forward(), backward());
  }

  /** The counts at one moment; reads the rows counted since. */
  public static final class Mark {
    private final PassCounter counter;
    private final long forward0;
    private final long backward0;

    private Mark(PassCounter counter, long forward0, long backward0) {
      this.counter = counter;
      this.forward0 = forward0;
      this.backward0 = backward0;
    }

    /**
     * @return forward rows counted since the mark
     */
    public long forward() {
      return counter.forward() - forward0;
    }

    /**
     * @return backward rows counted since the mark
     */
    public long backward() {
      return counter.backward() - backward0;
    }
  }
}
