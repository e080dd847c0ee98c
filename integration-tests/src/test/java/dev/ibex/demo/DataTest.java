package dev.ibex.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.ibex.api.InvalidInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DataTest {
  @Test
  void readsFashionMnistIdx() {
    LabeledImages train = FashionMnist.load(FashionMnist.DEFAULT_DIR, true, 100);
    LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, false, 10);
    assertThat(train.size()).isEqualTo(100);
    assertThat(train.imageShape().getShape()).containsExactly(1, 28, 28);
    // the published first labels: train starts with an ankle boot (9), then a T-shirt (0); test
    // with an ankle boot (9)
    assertThat(train.labels()[0]).isEqualTo(9);
    assertThat(train.labels()[1]).isEqualTo(0);
    assertThat(test.labels()[0]).isEqualTo(9);
    try (NDManager m = NDManager.newBaseManager()) {
      float[] px = train.images(m, new int[] {0}).toFloatArray();
      double max = 0;
      for (float v : px) {
        assertThat(v).isBetween(0f, 1f);
        max = Math.max(max, v);
      }
      assertThat(max).isEqualTo(1.0);
    }
  }

  @Test
  void missingDirectoryIsAClearError() {
    assertThatThrownBy(() -> FashionMnist.load(Path.of("/nonexistent"), true, 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dataset-fashion-mnist");
  }

  @Test
  void scenesAreSeededAndMasksMarkTheObject() {
    LabeledImages items = FashionMnist.load(FashionMnist.DEFAULT_DIR, true, 20);
    LabeledImages a = FashionScenes.of(items, 5);
    LabeledImages b = FashionScenes.of(items, 5);
    LabeledImages c = FashionScenes.of(items, 6);
    try (NDManager m = NDManager.newBaseManager()) {
      int[] all = a.indices(0, 20);
      assertThat(a.images(m, all).toFloatArray()).containsExactly(b.images(m, all).toFloatArray());
      assertThat(a.images(m, all).toFloatArray()).isNotEqualTo(c.images(m, all).toFloatArray());
      assertThat(a.labels()).containsExactly(items.labels());
      assertThat(a.imageShape().getShape()).containsExactly(1, 56, 56);
      float[] scene = a.images(m, new int[] {0}).toFloatArray();
      float[] mask = a.masks(m, new int[] {0}).orElseThrow().toFloatArray();
      float[] item = items.images(m, new int[] {0}).toFloatArray();
      int objectPixels = 0;
      for (float v : item) {
        objectPixels += v > FashionScenes.OBJECT_THRESHOLD ? 1 : 0;
      }
      int maskPixels = 0;
      for (int i = 0; i < mask.length; i++) {
        if (mask[i] == 1f) {
          maskPixels++;
          assertThat(scene[i]).isGreaterThan(FashionScenes.OBJECT_THRESHOLD);
        } else {
          assertThat(mask[i]).isZero();
        }
      }
      assertThat(maskPixels).isEqualTo(objectPixels);
      // the object's pixels appear unchanged at some offset
      int ox = -1;
      int oy = -1;
      search:
      for (int y = 0; y <= 28; y++) {
        for (int x = 0; x <= 28; x++) {
          boolean ok = true;
          for (int p = 0; p < 784 && ok; p++) {
            if (item[p] > FashionScenes.OBJECT_THRESHOLD) {
              ok = scene[(y + p / 28) * 56 + x + p % 28] == item[p];
            }
          }
          if (ok) {
            ox = x;
            oy = y;
            break search;
          }
        }
      }
      assertThat(ox).as("object found on the canvas").isGreaterThanOrEqualTo(0);
      assertThat(oy).isGreaterThanOrEqualTo(0);
    }
  }
}
