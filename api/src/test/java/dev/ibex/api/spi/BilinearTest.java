package dev.ibex.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The interpolation matrices against values PyTorch's F.interpolate(mode="bilinear") gives. */
class BilinearTest {
  @Test
  void halfPixelCentresAsPyTorchAlignCornersFalse() {
    // F.interpolate(tensor([[[[0., 1.]]]]), size=(1, 4), mode="bilinear") -> [0, .25, .75, 1]
    assertThat(Bilinear.matrix(2, 4, false)[1]).containsExactly(0.75, 0.25);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray up = Bilinear.resize(m.create(new float[] {0, 1}, new Shape(1, 1, 2)), 1, 4, false);
      assertThat(up.toFloatArray()).containsExactly(0f, 0.25f, 0.75f, 1f);
      // 3 -> 5: sources -0.2 (clamped to 0), 0.4, 1.0, 1.6, 2.2 (right edge repeats)
      NDArray v = Bilinear.resize(m.create(new float[] {0, 10, 20}, new Shape(1, 3)), 1, 5, false);
      assertThat(v.toFloatArray())
          .usingComparatorWithPrecision(1e-5f)
          .containsExactly(0f, 4f, 10f, 16f, 20f);
      // downsampling 4 -> 2 picks the mid-points (no anti-aliasing): [0.5, 2.5]
      NDArray d = Bilinear.resize(m.create(new float[] {0, 1, 2, 3}, new Shape(1, 4)), 1, 2, false);
      assertThat(d.toFloatArray()).containsExactly(0.5f, 2.5f);
    }
  }

  @Test
  void endPointsMatchedWithAlignCorners() {
    // nn.UpsamplingBilinear2d(size=(1, 5)) on [0, 10, 20] -> [0, 5, 10, 15, 20]
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray v = Bilinear.resize(m.create(new float[] {0, 10, 20}, new Shape(1, 3)), 1, 5, true);
      assertThat(v.toFloatArray())
          .usingComparatorWithPrecision(1e-5f)
          .containsExactly(0f, 5f, 10f, 15f, 20f);
    }
  }

  @Test
  void resizesBothAxesOfABatchAndKeepsTheLeadingAxes() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 4, 5));
      NDArray y = Bilinear.resize(x, 8, 10, false);
      assertThat(y.getShape()).isEqualTo(new Shape(2, 3, 8, 10));
      // separable: resizing rows then columns equals the 2-D result
      NDArray rowsFirst = Bilinear.resize(Bilinear.resize(x, 8, 5, false), 8, 10, false);
      assertThat(y.sub(rowsFirst).abs().max().getFloat()).isLessThan(1e-6f);
      // a constant stays constant
      assertThat(
              Bilinear.resize(m.full(new Shape(1, 3, 3), 2f), 7, 9, false)
                  .sub(2f)
                  .abs()
                  .max()
                  .getFloat())
          .isLessThan(1e-6f);
    }
  }
}
