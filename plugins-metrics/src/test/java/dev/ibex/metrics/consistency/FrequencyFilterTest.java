package dev.ibex.metrics.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Fourier filter of the interpretability score, on cases with closed-form answers. */
class FrequencyFilterTest {
  static float[] random(int n, long seed) {
    Random rnd = new Random(seed);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = rnd.nextFloat();
    }
    return f;
  }

  @Test
  void lowPassBelowTheFirstRingKeepsOnlyTheMean() {
    float[] img = random(2 * 8 * 8, 1);
    float[] out = FrequencyFilter.filter(img, 2, 8, 8, 0.5, true);
    for (int c = 0; c < 2; c++) {
      double mean = 0;
      for (int p = 0; p < 64; p++) {
        mean += img[c * 64 + p] / 64.0;
      }
      for (int p = 0; p < 64; p++) {
        assertThat(out[c * 64 + p]).isCloseTo((float) mean, within(1e-5f));
      }
    }
  }

  @Test
  void lowAndHighPassAtTheSameRadiusAddUpToTheImage() {
    float[] img = random(6 * 5, 2);
    float[] low = FrequencyFilter.filter(img, 1, 6, 5, 2.2, true);
    float[] high = FrequencyFilter.filter(img, 1, 6, 5, 2.2, false);
    for (int p = 0; p < img.length; p++) {
      assertThat(low[p] + high[p]).isCloseTo(img[p], within(1e-5f));
    }
  }

  @Test
  void aPureCosineIsKeptOrRemovedByItsRadius() {
    // cos(2 pi * 2 x / 8) along x has frequency +-2: distance 2 from the centre of the
    // shifted spectrum
    int n = 8;
    float[] img = new float[n * n];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        img[y * n + x] = (float) Math.cos(2 * Math.PI * 2 * x / n);
      }
    }
    float[] kept = FrequencyFilter.filter(img, 1, n, n, 2.5, true);
    float[] removed = FrequencyFilter.filter(img, 1, n, n, 1.5, true);
    for (int p = 0; p < img.length; p++) {
      assertThat(kept[p]).isCloseTo(img[p], within(1e-5f));
      assertThat(removed[p]).isCloseTo(0f, within(1e-5f));
    }
  }
}
