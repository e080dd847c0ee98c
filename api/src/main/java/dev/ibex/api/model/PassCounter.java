package dev.ibex.api.model;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts forward and backward passes through a model, per sample row: a forward of a batch of 8
 * rows counts 8. Attributors report the difference over a call as their pass counts.
 */
public final class PassCounter {
  private final AtomicLong forward = new AtomicLong();
  private final AtomicLong backward = new AtomicLong();

  /** @param rows rows that went forward through the whole model */
  public void countForward(long rows) {
    forward.addAndGet(rows);
  }

  /** @param rows rows whose score was back-propagated */
  public void countBackward(long rows) {
    backward.addAndGet(rows);
  }

  /** @return forward rows so far */
  public long forward() {
    return forward.get();
  }

  /** @return backward rows so far */
  public long backward() {
    return backward.get();
  }
}
