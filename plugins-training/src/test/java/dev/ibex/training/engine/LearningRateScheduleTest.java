package dev.ibex.training.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

/**
 * Every schedule's tracker gives, at every update, exactly the rate of the trainer's original
 * tracker ({@code update -> rate(base, max(1, total), update + offset)}), including CONSTANT, which
 * is now DJL's fixed tracker: the same rates keep training results bit for bit.
 */
class LearningRateScheduleTest {
  /** The original trainer's rates, written out (the formulas before the engine was split). */
  private static float original(
      LearningRateSchedule s, float base, int totalUpdates, int offset, int update) {
    int total = Math.max(1, totalUpdates);
    double t = Math.min(1.0, (double) (update + offset) / total);
    switch (s) {
      case COSINE:
        return (float) (0.01 * base + 0.99 * base * 0.5 * (1 + Math.cos(Math.PI * t)));
      case STEP:
        return t < 0.5 ? base : t < 0.75 ? base / 10 : base / 100;
      default:
        return base;
    }
  }

  @Test
  void everyScheduleGivesTheOriginalRateAtEveryUpdate() {
    int checked = 0;
    for (LearningRateSchedule s : LearningRateSchedule.values()) {
      for (float base : new float[] {1e-3f, 3e-3f, 0.05f, 1f}) {
        for (int total : new int[] {0, 1, 7, 120, 279}) {
          for (int offset : new int[] {0, 3, 93}) {
            Tracker tracker = s.tracker(base, total, offset);
            for (int update = 0; update <= total + 5; update++) {
              assertThat(tracker.getNewValue(update))
                  .as("%s base %s total %s offset %s update %s", s, base, total, offset, update)
                  .isEqualTo(original(s, base, total, offset, update));
              checked++;
            }
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(10_000);
  }
}
