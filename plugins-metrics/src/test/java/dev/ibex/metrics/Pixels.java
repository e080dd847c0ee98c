package dev.ibex.metrics;

import java.util.Arrays;
import java.util.Random;

/** 4x4 images, maps and masks for the tests: 16 row-major pixel values each. */
final class Pixels {
  private Pixels() {}

  /**
   * @param v the value
   * @return every pixel v
   */
  static float[] filled(float v) {
    float[] f = new float[16];
    Arrays.fill(f, v);
    return f;
  }

  /**
   * @param values the first pixels' values
   * @return those, then zeros
   */
  static float[] leading(float... values) {
    return Arrays.copyOf(values, 16);
  }

  /**
   * @param n how many
   * @param seed the seed of the draws
   * @return n arrays of uniform [0, 1) pixels, drawn in order
   */
  static float[][] uniform(int n, long seed) {
    Random rnd = new Random(seed);
    float[][] img = new float[n][16];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < 16; p++) {
        img[i][p] = rnd.nextFloat();
      }
    }
    return img;
  }
}
