package dev.ibex.attribution.cam;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.Attribution;
import dev.ibex.api.options.Options;
import dev.ibex.api.spi.BaseCam;
import dev.ibex.attribution.fixtures.TokenFixture;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CAM family on transformer token layers against pytorch-grad-cam 1.5.5 run with its own {@code
 * reshape_transform} on the eager models (gen_token_cam_reference.py): a torchvision ViT at the
 * output of its first encoder block ({@code token-layout=tokens}, class token dropped, 8×8 grid), a
 * torchvision Swin at the output of its features ({@code nhwc}), each in float64 and in float32
 * with class targets, and the toy CLIP's image tower (float32) with a cosine target to the
 * captions. The references are float32 (pytorch-grad-cam min-max scales and resizes in float32), so
 * float32 rounding is what remains: the float64 models are held to 1e-5, the float32 ones, run by
 * libtorch 1.13 there and 2.7.1 here, to 1e-4 (XGrad-CAM 5e-4, see below).
 */
class TokenCamParityTest {
  private static final double FLOAT64_MODELS = 1e-5;
  private static final double FLOAT32_MODELS = 1e-4;

  /**
   * XGrad-CAM on float32 models: it divides each channel by its summed activation, which can be
   * near zero, so float32 rounding is amplified (pytorch-grad-cam's own float32 and float64 maps of
   * the Swin differ by 3.1e-5; ibex's float32 by 4.2e-5 here, and another CPU's kernels round
   * otherwise). Its float64 twins hold to {@link #FLOAT64_MODELS}.
   */
  private static final double FLOAT32_XGRAD_CAM = 5e-4;

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (String fixture : new String[] {"vit", "swin", "vit-float32", "swin-float32", "clip"}) {
      for (String method :
          new String[] {"grad-cam", "grad-cam-plus-plus", "x-grad-cam", "layer-cam", "score-cam"}) {
        b.add(Arguments.of(fixture, method));
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void matchesPytorchGradCam(String fixtureName, String method) {
    try (TokenFixture fixture = TokenFixture.of(fixtureName)) {
      BaseCam cam = CamOnBlockModelTest.cam(method);
      Options options =
          cam.options().defaults().with("layer", fixture.layer).with("normalise", "minmax");
      for (Map.Entry<String, Object> e : fixture.layout.entrySet()) {
        options = options.with(e.getKey(), e.getValue());
      }
      Attribution a = cam.attribute(fixture.model, fixture.x, fixture.target, options);
      NDArray reference = fixture.reference(method);
      assertThat(a.values().getShape()).isEqualTo(reference.getShape());
      assertThat(a.values().getDataType()).isEqualTo(fixture.x.getDataType());
      double maxAbs =
          a.values()
              .toType(DataType.FLOAT64, false)
              .sub(reference.toType(DataType.FLOAT64, false))
              .abs()
              .max()
              .getDouble();
      boolean float64 = fixture.x.getDataType() == DataType.FLOAT64;
      double tolerance =
          float64
              ? FLOAT64_MODELS
              : method.equals("x-grad-cam") ? FLOAT32_XGRAD_CAM : FLOAT32_MODELS;
      System.out.printf(
          "token parity %s %s: max abs difference %.3g (tolerance %.0e)%n",
          fixtureName, method, maxAbs, tolerance);
      // maps in [0, 1] with their maximum at 1: the absolute difference is the relative one
      assertThat(reference.max().getFloat()).isGreaterThan(0.99f);
      assertThat(maxAbs).as("%s on %s", method, fixtureName).isLessThan(tolerance);
    }
  }
}
