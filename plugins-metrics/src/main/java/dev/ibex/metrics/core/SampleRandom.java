package dev.ibex.metrics.core;

import java.util.Arrays;
import java.util.Random;

/**
 * A sample's own random generator, seeded by the {@code seed} option and the sample's values rather
 * than its position: a sample draws the same numbers whether it is scored alone or anywhere in a
 * batch, so its score never depends on the rest of the batch.
 */
public final class SampleRandom {
  private SampleRandom() {}

  /**
   * @param seed the metric's seed option
   * @param sample the sample's values (e.g. its C·H·W pixels)
   * @return a generator for that sample
   */
  public static Random of(int seed, float[] sample) {
    return new Random(seed * 1_000_003L + Arrays.hashCode(sample));
  }

  /**
   * A generator for one of several independent draws of a sample (e.g. one imputation per
   * fraction).
   *
   * @param seed the metric's seed option
   * @param sample the sample's values
   * @param draw which draw
   * @return a generator for that draw
   */
  public static Random of(int seed, float[] sample, int draw) {
    return new Random((seed * 1_000_003L + Arrays.hashCode(sample)) * 131 + draw);
  }
}
