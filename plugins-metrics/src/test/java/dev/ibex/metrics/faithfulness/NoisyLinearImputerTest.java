package dev.ibex.metrics.faithfulness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** ROAD's imputation, checked by hand and on a case with a closed-form answer. */
class NoisyLinearImputerTest {

  /** A 4x4 one-channel image with one pixel removed, imputed without noise. */
  static float[] imputeOne(float[] img, int pixel) {
    boolean[] removed = new boolean[16];
    removed[pixel] = true;
    return NoisyLinearImputer.impute(img, 1, 4, 4, removed, 0, new Random(0));
  }

  @Test
  void singleInteriorPixelIsTheWeightedMeanOfItsNeighbours() {
    // 4x4 zeros, the four direct neighbours of (1,1) are 1 and the diagonal (0,0) is 3:
    // weights 1/6 direct, 1/12 diagonal, total 1 -> 4/6 + 3/12 = 11/12
    float[] img = new float[16];
    img[1] = 1;
    img[4] = 1;
    img[6] = 1;
    img[9] = 1;
    img[0] = 3;
    float[] out = imputeOne(img, 5);
    assertThat(out[5]).isCloseTo(11 / 12f, within(1e-6f));
    assertThat(out[0]).isEqualTo(3f);
  }

  @Test
  void cornerPixelUsesOnlyNeighboursInsideTheImage() {
    // (0,0) has (0,1) and (1,0) at 1/6 and (1,1) at 1/12: total 5/12. Values 1, 2, 4:
    // (1/6 + 2/6 + 4/12) / (5/12) = (10/12) / (5/12) = 2
    float[] img = new float[16];
    img[1] = 1;
    img[4] = 2;
    img[5] = 4;
    assertThat(imputeOne(img, 0)[0]).isCloseTo(2f, within(1e-6f));
  }

  @Test
  void interiorOfALinearRampIsImputedExactlyAsOneSystem() {
    // a linear function is the weighted mean of its symmetric neighbours: a removed 3x3 interior
    // block of a 7x7 ramp (coupled unknowns) comes back exactly, for every channel
    int n = 7;
    float[] img = new float[2 * n * n];
    for (int c = 0; c < 2; c++) {
      for (int p = 0; p < n * n; p++) {
        img[c * n * n + p] = (c + 1) * (0.1f * (p / n) - 0.3f * (p % n));
      }
    }
    boolean[] removed = new boolean[n * n];
    for (int y = 2; y <= 4; y++) {
      for (int x = 2; x <= 4; x++) {
        removed[y * n + x] = true;
      }
    }
    float[] scrambled = img.clone();
    for (int c = 0; c < 2; c++) {
      for (int p = 0; p < n * n; p++) {
        if (removed[p]) {
          scrambled[c * n * n + p] = 99;
        }
      }
    }
    float[] out = NoisyLinearImputer.impute(scrambled, 2, n, n, removed, 0, new Random(0));
    for (int e = 0; e < img.length; e++) {
      assertThat(out[e]).isCloseTo(img[e], within(1e-5f));
    }
  }

  @Test
  void noiseHasTheRequestedScale() {
    float[] img = new float[64 * 64];
    boolean[] removed = new boolean[64 * 64];
    for (int p = 0; p < removed.length; p += 2) {
      removed[p] = true;
    }
    float[] out = NoisyLinearImputer.impute(img, 1, 64, 64, removed, 0.5, new Random(1));
    double ss = 0;
    int k = 0;
    for (int p = 0; p < removed.length; p++) {
      if (removed[p]) {
        ss += out[p] * out[p];
        k++;
      } else {
        assertThat(out[p]).isEqualTo(0f);
      }
    }
    assertThat(Math.sqrt(ss / k)).isCloseTo(0.5, within(0.02));
  }
}
