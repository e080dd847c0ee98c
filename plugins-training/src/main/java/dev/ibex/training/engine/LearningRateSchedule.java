package dev.ibex.training.engine;

import ai.djl.training.tracker.Tracker;

/**
 * A learning-rate schedule over optimizer updates, with an offset so that a resumed run continues
 * where the checkpoint left off (DJL's optimizers count updates from zero after a restart).
 *
 * <p>The constant schedule is DJL's {@link Tracker#fixed}. The cosine and step schedules keep their
 * own formulas: DJL's {@code CosineTracker} computes in float (its rates differ in the last bits at
 * many updates) and {@code MultiFactorTracker} multiplies by the factor where these divide, so
 * either would change the trained weights.
 */
public enum LearningRateSchedule {
  /** The base rate throughout. */
  CONSTANT,
  /** Cosine decay from the base rate to 1% of it over the whole run. */
  COSINE,
  /** The base rate divided by 10 at 50% and again at 75% of the run. */
  STEP;

  /**
   * A DJL tracker for this schedule.
   *
   * @param base the base learning rate
   * @param totalUpdates updates in the whole run
   * @param offset updates already done before this (resumed) run
   * @return the tracker
   */
  public Tracker tracker(float base, int totalUpdates, int offset) {
    if (this == CONSTANT) {
      return Tracker.fixed(base);
    }
    int total = Math.max(1, totalUpdates);
    return update -> rate(base, total, update + offset);
  }

  /**
   * The rate at one update.
   *
   * @param base base rate
   * @param total updates in the run
   * @param update the update index
   * @return the rate
   */
  public float rate(float base, int total, int update) {
    double t = Math.min(1.0, (double) update / total);
    switch (this) {
      case COSINE:
        return (float) (0.01 * base + 0.99 * base * 0.5 * (1 + Math.cos(Math.PI * t)));
      case STEP:
        return t < 0.5 ? base : t < 0.75 ? base / 10 : base / 100;
      default:
        return base;
    }
  }
}
