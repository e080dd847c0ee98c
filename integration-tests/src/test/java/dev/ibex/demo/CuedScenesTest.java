package dev.ibex.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CuedScenesTest {
  private static final LabeledImages ITEMS =
      FashionMnist.load(FashionMnist.DEFAULT_DIR, true, 2000);

  @Test
  void seededMasksAndBoxesAreExact() {
    LabeledImages items = ITEMS.head(30);
    CuedScenes.Set a = CuedScenes.of(items, 56, 0.8, 5);
    CuedScenes.Set b = CuedScenes.of(items, 56, 0.8, 5);
    CuedScenes.Set c = CuedScenes.of(items, 56, 0.8, 6);
    try (NDManager m = NDManager.newBaseManager()) {
      int[] all = a.images().indices(0, 30);
      float[] pa = a.images().images(m, all).toFloatArray();
      assertThat(pa).containsExactly(b.images().images(m, all).toFloatArray());
      assertThat(pa).isNotEqualTo(c.images().images(m, all).toFloatArray());
      assertThat(a.textures()).containsExactly(b.textures());
      float[] mask = a.images().masks(m, all).orElseThrow().toFloatArray();
      float[] item = items.images(m, all).toFloatArray();
      for (int i = 0; i < 30; i++) {
        int objectPixels = 0;
        int iy0 = 28;
        int iy1 = -1;
        int ix0 = 28;
        int ix1 = -1;
        for (int p = 0; p < 784; p++) {
          if (item[i * 784 + p] > FashionScenes.OBJECT_THRESHOLD) {
            objectPixels++;
            iy0 = Math.min(iy0, p / 28);
            iy1 = Math.max(iy1, p / 28);
            ix0 = Math.min(ix0, p % 28);
            ix1 = Math.max(ix1, p % 28);
          }
        }
        int maskPixels = 0;
        for (int p = 0; p < 56 * 56; p++) {
          float v = mask[i * 56 * 56 + p];
          assertThat(v).isIn(0f, 1f);
          if (v == 1f) {
            maskPixels++;
          }
        }
        assertThat(maskPixels).isEqualTo(objectPixels);
        // the box is the garment's own box, shifted: same size, and every mask pixel inside it
        int[] box = a.images().box(i).orElseThrow();
        assertThat(box[2] - box[0]).isEqualTo(ix1 - ix0);
        assertThat(box[3] - box[1]).isEqualTo(iy1 - iy0);
        int ox = box[0] - ix0;
        int oy = box[1] - iy0;
        for (int p = 0; p < 784; p++) {
          float v = item[i * 784 + p];
          int at = i * 56 * 56 + (oy + p / 28) * 56 + ox + p % 28;
          if (v > FashionScenes.OBJECT_THRESHOLD) {
            assertThat(pa[at]).isEqualTo(v); // the garment's pixels, unchanged
            assertThat(mask[at]).isEqualTo(1f);
          }
        }
      }
    }
  }

  @Test
  void theCueFollowsItsProbability() {
    CuedScenes.Set cued = CuedScenes.of(ITEMS, 40, 0.8, 1);
    CuedScenes.Set shuffled = CuedScenes.of(ITEMS, 40, CuedScenes.NO_CUE, 2);
    CuedScenes.Set never = CuedScenes.of(ITEMS.head(200), 40, 0, 3);
    // binomial standard deviation at n = 2000: 0.009 (p = 0.8) and 0.0067 (p = 0.1)
    assertThat(cued.cueAgreement()).isBetween(0.77, 0.83);
    assertThat(shuffled.cueAgreement()).isBetween(0.08, 0.12);
    assertThat(never.cueAgreement()).isZero();
    // without the cue every texture occurs for every class
    int[][] counts = new int[10][10];
    int[] y = ITEMS.labels();
    for (int i = 0; i < y.length; i++) {
      counts[y[i]][shuffled.textures()[i]]++;
    }
    for (int[] row : counts) {
      assertThat(row).doesNotContain(0);
    }
  }

  @Test
  void texturesDifferAndStayInRange() {
    float[][] t = new float[Textures.KINDS][];
    for (int k = 0; k < Textures.KINDS; k++) {
      t[k] = Textures.draw(k, 32, new Random(k));
      for (float v : t[k]) {
        assertThat(v).isBetween(0f, 1f);
      }
      assertThat(t[k]).as(Textures.NAMES[k]).isNotEqualTo(new float[32 * 32]);
      for (int j = 0; j < k; j++) {
        assertThat(t[k]).isNotEqualTo(t[j]);
      }
    }
    assertThatThrownBy(() -> Textures.draw(10, 8, new Random(0)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rangesAndBadArgumentsAreChecked() {
    LabeledImages r = ITEMS.range(10, 20);
    assertThat(r.size()).isEqualTo(10);
    assertThat(r.labels()[0]).isEqualTo(ITEMS.labels()[10]);
    assertThat(ITEMS.box(0)).isEmpty(); // no masks
    assertThatThrownBy(() -> ITEMS.range(5, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CuedScenes.of(ITEMS.head(2), 20, 0.5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("canvas");
    assertThatThrownBy(() -> CuedScenes.of(ITEMS.head(2), 56, 1.5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cue probability");
  }
}
