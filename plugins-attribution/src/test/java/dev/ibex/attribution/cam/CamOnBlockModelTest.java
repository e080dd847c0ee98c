package dev.ibex.attribution.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.Attribution;
import dev.ibex.api.Target;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.options.Options;
import dev.ibex.api.spi.BaseCam;
import dev.ibex.attribution.fixtures.SmallCnns;
import dev.ibex.attribution.fixtures.TestModel;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CAM family on a Java-built {@link BlockModel}. The CNN's head is global average pooling and a
 * linear layer, so the gradient of class k's logit w.r.t. the layer activation is known in closed
 * form, {@code W[k, c] / (h·w)} at every position: the references below use that, not autograd.
 */
class CamOnBlockModelTest {
  private static final int SIZE = 16;
  @AutoClose private static final TestModel cnn = TestModel.smallCnn(SIZE);
  private static final BlockModel model = cnn.model();
  private static final String camLayer = cnn.camLayer();

  @Test
  void weightsMatchTheClosedFormGradientOfAPooledLinearHead() {
    NDArray x = cnn.images(109, 3);
    int[] classes = {0, 2, 1};
    float[][] w = head(model); // (3 classes, 6 channels)
    float[][][][] a = to4(model.toLayer(camLayer, x)); // (3, 6, 8, 8)
    int hw = a[0][0].length * a[0][0][0].length;

    for (String method : List.of("grad-cam", "layer-cam", "x-grad-cam", "grad-cam-plus-plus")) {
      BaseCam cam = cam(method);
      Attribution r =
          cam.attribute(
              model, x, Target.perSample(classes), at(cam, camLayer).with("upsample", false));
      float[][][] got = to3(r.values());
      assertThat(r.values().max().getFloat())
          .as("%s gives a non-trivial map", method)
          .isGreaterThan(0f);
      for (int n = 0; n < 3; n++) {
        for (int i = 0; i < 8; i++) {
          for (int j = 0; j < 8; j++) {
            double v = 0;
            for (int c = 0; c < 6; c++) {
              double g = w[classes[n]][c] / hw;
              double sumA = 0;
              for (float[] row : a[n][c]) {
                for (float e : row) {
                  sumA += e;
                }
              }
              double weight;
              switch (method) {
                case "grad-cam":
                  weight = g;
                  break;
                case "layer-cam":
                  weight = Math.max(g, 0);
                  break;
                case "x-grad-cam":
                  weight = g * sumA / (sumA + 1e-7);
                  break;
                default: // Grad-CAM++ with a spatially constant gradient: Σ_hw relu(g)·g²/(2g² +
                  // ΣA·g³)
                  weight = g > 0 ? hw * g * g * g / (2 * g * g + sumA * g * g * g + 1e-6) : 0;
              }
              v += weight * a[n][c][i][j];
            }
            assertThat((double) got[n][i][j])
                .as("%s sample %d at (%d,%d)", method, n, i, j)
                .isCloseTo(Math.max(v, 0), within(1e-5));
          }
        }
      }
      assertThat(r.forwardPassesPerSample()).as(method + " forward passes").isEqualTo(1.0);
      assertThat(r.backwardPassesPerSample()).as(method + " backward passes").isEqualTo(1.0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"grad-cam", "grad-cam-plus-plus", "layer-cam", "x-grad-cam", "score-cam"})
  void theMapFollowsTheObject(String method) {
    int size = 24;
    try (NDManager manager = NDManager.newBaseManager();
        BlockModel model = SmallCnns.brightness(manager, size)) {
      String layer = model.layers().get(1); // after the ReLU
      BaseCam cam = cam(method);
      for (int[] at : new int[][] {{2, 3}, {15, 12}, {8, 17}}) {
        NDArray x = SmallCnns.square(manager, size, at[0], at[1], 5);
        NDArray map = cam.attribute(model, x, Target.ofClass(1), at(cam, layer)).values();
        assertThat(map.getShape().getShape()).containsExactly(1, size, size);
        int peak = (int) map.reshape(-1).argMax().getLong();
        int py = peak / size;
        int px = peak % size;
        assertThat(py)
            .as("%s peak row for a square at %s", method, at[0])
            .isBetween(at[0], at[0] + 4);
        assertThat(px).as("%s peak column", method).isBetween(at[1], at[1] + 4);
        // far from the square, nothing
        assertThat(map.get(at[0] > 10 ? "0, 0:3, 0:3" : "0, 21:, 21:").max().getFloat())
            .isEqualTo(0f);
      }
    }
  }

  @Test
  void minmaxScalesEachMapToTheUnitInterval() {
    NDArray x = cnn.images(110, 4);
    GradCam cam = new GradCam();
    NDArray raw = cam.attribute(model, x, Target.predicted(), at(cam, camLayer)).values();
    NDArray norm =
        cam.attribute(model, x, Target.predicted(), at(cam, camLayer).with("normalise", "minmax"))
            .values();
    int checked = 0;
    for (int n = 0; n < 4; n++) {
      NDArray r = raw.get(n);
      float lo = r.min().getFloat();
      float hi = r.max().getFloat();
      if (hi > lo) {
        NDArray expected = r.sub(lo).div(hi - lo + 1e-7f);
        assertThat(norm.get(n).sub(expected).abs().max().getFloat()).isLessThan(1e-6f);
        assertThat(norm.get(n).max().getFloat()).isCloseTo(1f, within(1e-5f));
        checked++;
      }
    }
    assertThat(checked)
        .as("maps that were not constant, so min-max was actually checked")
        .isGreaterThan(0);
  }

  @Test
  void scoreCamCostsOneForwardPerChannelPlusOne() {
    NDArray x = cnn.images(111, 2);
    ScoreCam cam = new ScoreCam();
    Attribution small =
        cam.attribute(
            model, x, Target.ofClass(0), at(cam, camLayer).with("internal-batch-size", 5));
    Attribution large = cam.attribute(model, x, Target.ofClass(0), at(cam, camLayer));
    assertThat(small.forwardPassesPerSample()).isEqualTo(1 + 6);
    assertThat(small.backwardPasses()).isZero();
    // batching does not change the result
    assertThat(small.values().sub(large.values()).abs().max().getFloat()).isLessThan(1e-6f);
  }

  /** The CAM's defaults at a layer. */
  private static Options at(BaseCam cam, String layer) {
    return cam.options().defaults().with("layer", layer);
  }

  static BaseCam cam(String method) {
    switch (method) {
      case "grad-cam":
        return new GradCam();
      case "grad-cam-plus-plus":
        return new GradCamPlusPlus();
      case "layer-cam":
        return new LayerCam();
      case "x-grad-cam":
        return new XGradCam();
      case "score-cam":
        return new ScoreCam();
      default:
        throw new IllegalArgumentException(method);
    }
  }

  private static float[][] head(BlockModel model) {
    NDArray weight =
        model
            .block()
            .getChildren()
            .get(SmallCnns.HEAD)
            .getValue()
            .getParameters()
            .get("weight")
            .getArray();
    long rows = weight.getShape().get(0);
    long cols = weight.getShape().get(1);
    float[] flat = weight.toFloatArray();
    float[][] w = new float[(int) rows][(int) cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(flat, (int) (i * cols), w[i], 0, (int) cols);
    }
    return w;
  }

  private static float[][][][] to4(NDArray x) {
    long[] s = x.getShape().getShape();
    float[] f = x.toFloatArray();
    float[][][][] out = new float[(int) s[0]][(int) s[1]][(int) s[2]][(int) s[3]];
    int k = 0;
    for (float[][][] a : out) {
      for (float[][] b : a) {
        for (float[] c : b) {
          for (int i = 0; i < c.length; i++) {
            c[i] = f[k++];
          }
        }
      }
    }
    return out;
  }

  private static float[][][] to3(NDArray x) {
    long[] s = x.getShape().getShape();
    float[][][][] x4 = to4(x.reshape(s[0], 1, s[1], s[2]));
    float[][][] out = new float[x4.length][][];
    for (int i = 0; i < x4.length; i++) {
      out[i] = x4[i][0];
    }
    return out;
  }
}
