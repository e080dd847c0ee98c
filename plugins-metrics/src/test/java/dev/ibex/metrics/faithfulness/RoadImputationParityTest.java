package dev.ibex.metrics.faithfulness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.ibex.api.io.Npy;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Noisy linear imputation against the ROAD authors' NoisyLinearImputer (scipy spsolve), noise 0, on
 * a 3x8x9 image with 39 of 72 pixels removed (fixture from src/test/python/gen_road.py).
 */
class RoadImputationParityTest {

  static float[] npy(NDManager m, String name) throws Exception {
    try (InputStream in =
        RoadImputationParityTest.class.getResourceAsStream("/parity/road/" + name)) {
      return Npy.read(in, m, name).toFloatArray();
    }
  }

  @Test
  void matchesTheAuthorsImputer() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] image = npy(m, "image.npy");
      float[] keep = npy(m, "keep.npy");
      float[] expected = npy(m, "imputed.npy");
      boolean[] removed = new boolean[keep.length];
      for (int p = 0; p < keep.length; p++) {
        removed[p] = keep[p] < 0.5f;
      }
      float[] out = NoisyLinearImputer.impute(image, 3, 8, 9, removed, 0, new Random(0));
      for (int e = 0; e < out.length; e++) {
        assertThat(out[e]).as("element %d", e).isCloseTo(expected[e], within(1e-5f));
      }
    }
  }
}
