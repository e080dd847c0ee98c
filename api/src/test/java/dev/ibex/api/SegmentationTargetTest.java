package dev.ibex.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** {@link Target#segmentation}: class K's output summed over a spatial mask. */
class SegmentationTargetTest {
  @AutoClose private static final NDManager manager = NDManager.newBaseManager();

  /** (2 samples, 3 classes, 2, 2): out[n, k, h, w] = 100 n + 10 k + 2 h + w. */
  private static NDArray output(DataType type) {
    double[] v = new double[2 * 3 * 2 * 2];
    int i = 0;
    for (int n = 0; n < 2; n++) {
      for (int k = 0; k < 3; k++) {
        for (int h = 0; h < 2; h++) {
          for (int w = 0; w < 2; w++) {
            v[i++] = 100 * n + 10 * k + 2 * h + w;
          }
        }
      }
    }
    return manager.create(v, new Shape(2, 3, 2, 2)).toType(type, false);
  }

  @Test
  void oneMaskSumsTheClassOverItsPixelsInEverySample() {
    // pixels (0, 1) and (1, 1) of class 2: (21 + 23) and (121 + 123)
    NDArray mask = manager.create(new float[] {0, 1, 0, 1}, new Shape(2, 2));
    Target t = Target.segmentation(2, mask);
    assertThat(t.needsModelOutput()).isFalse();
    assertThat(t.describe()).isEqualTo("class 2 summed over a mask (2, 2)");
    ResolvedTarget r = t.resolve(null);
    NDArray s = r.score(output(DataType.FLOAT64));
    assertThat(s.getDataType()).isEqualTo(DataType.FLOAT64);
    assertThat(s.toDoubleArray()).containsExactly(44, 244);
    assertThat(r.score(output(DataType.FLOAT32)).toFloatArray()).containsExactly(44f, 244f);
    assertThat(r.classes()).isEmpty();
  }

  @Test
  void perSampleMasksFollowTheSampleOfEachRowAndWeightsAreKept() {
    NDArray masks = manager.create(new float[] {1, 0, 0, 0, 0, 0, 0.5f, 2}, new Shape(2, 2, 2));
    Target t = Target.segmentation(1, masks);
    assertThat(t.describe()).isEqualTo("class 1 summed over per-sample masks (2, 2, 2)");
    // sample 0: out[0, 1, 0, 0] = 10; sample 1: 0.5 * 112 + 2 * 113 = 282
    NDArray out = output(DataType.FLOAT64);
    assertThat(t.resolve(null).score(out).toDoubleArray()).containsExactly(10, 282);
    // rows derived from samples 1, 0, 0 (e.g. noise draws), all holding sample 0's output here:
    // each row is weighted by its sample's mask
    NDArray first = out.get("0:1");
    NDArray rows = first.concat(first).concat(first);
    assertThat(t.resolve(null).score(rows, new int[] {1, 0, 0}).toDoubleArray())
        .containsExactly(0.5 * 12 + 2 * 13, 10, 10);
  }

  @Test
  void theMaskIsCopiedSoTheCallerMayCloseIt() {
    Target t;
    try (NDManager owner = manager.newSubManager()) {
      t = Target.segmentation(0, owner.ones(new Shape(2, 2)));
    }
    // class 0 of sample 0: 0 + 1 + 2 + 3; of sample 1: 400 + 6
    assertThat(t.resolve(null).score(output(DataType.FLOAT64)).toDoubleArray())
        .containsExactly(6, 406);
  }

  @Test
  void anOutputThatIsNotAMapOfClassesIsAOneLineError() {
    Target t = Target.segmentation(0, manager.ones(new Shape(2, 2)));
    assertThatThrownBy(() -> t.resolve(null).score(manager.ones(new Shape(2, 3))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "a segmentation target needs model output of shape (samples, classes, H, W), got (2,"
                + " 3)");
  }

  @Test
  void aClassOutOfRangeNamesTheOutput() {
    Target t = Target.segmentation(3, manager.ones(new Shape(2, 2)));
    assertThatThrownBy(() -> t.resolve(null).score(output(DataType.FLOAT32)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("target class 3 is out of range [0, 2] of the model output (2, 3, 2, 2)");
    assertThatThrownBy(() -> Target.segmentation(-1, manager.ones(new Shape(2, 2))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("target class -1 is negative; classes are numbered from 0");
  }

  @Test
  void aMaskOfAnotherSpatialSizeNamesBothShapes() {
    Target t = Target.segmentation(0, manager.ones(new Shape(3, 2)));
    assertThatThrownBy(() -> t.resolve(null).score(output(DataType.FLOAT32)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "the target mask (3, 2) does not match the model output (2, 3, 2, 2): the mask must"
                + " be (2, 2)");
    Target perSample = Target.segmentation(0, manager.ones(new Shape(2, 2, 3)));
    assertThatThrownBy(() -> perSample.resolve(null).score(output(DataType.FLOAT32)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "the target mask (2, 2, 3) does not match the model output (2, 3, 2, 2): the mask"
                + " must be (2, 2) per sample");
  }

  @Test
  void tooFewPerSampleMasksNameTheSampleWithout() {
    Target t = Target.segmentation(0, manager.ones(new Shape(1, 2, 2)));
    assertThatThrownBy(() -> t.resolve(null).score(output(DataType.FLOAT32)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("got 1 target masks, none for sample 1");
  }

  @Test
  void anUnusableMaskIsRefusedWhereItIsGiven() {
    assertThatThrownBy(() -> Target.segmentation(0, manager.ones(new Shape(4))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("a target mask is (H, W) or (samples, H, W), got (4)");
    assertThatThrownBy(() -> Target.segmentation(0, manager.ones(new Shape(1, 1, 2, 2))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("a target mask is (H, W) or (samples, H, W), got (1, 1, 2, 2)");
    assertThatThrownBy(() -> Target.segmentation(0, manager.ones(new Shape(0, 2))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("the target mask (0, 2) is empty");
    NDArray nan = manager.create(new float[] {1, Float.NaN, 0, 0}, new Shape(2, 2));
    assertThatThrownBy(() -> Target.segmentation(0, nan))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("the target mask (2, 2) holds NaN or infinity");
  }

  @Test
  void aBooleanMaskIsZeroOne() {
    NDArray mask = manager.create(new boolean[] {true, false, false, true}, new Shape(2, 2));
    // class 1, pixels (0, 0) and (1, 1): 10 + 13 and 110 + 113
    assertThat(
            Target.segmentation(1, mask)
                .resolve(null)
                .score(output(DataType.FLOAT64))
                .toDoubleArray())
        .containsExactly(23, 223);
  }
}
