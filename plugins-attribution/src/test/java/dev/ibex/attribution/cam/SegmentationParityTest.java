package dev.ibex.attribution.cam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Attribution;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.ModelOutputException;
import dev.ibex.api.Target;
import dev.ibex.api.options.Options;
import dev.ibex.attribution.fixtures.SegmentationFixture;
import dev.ibex.attribution.gradient.Saliency;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Segmentation targets on a model whose forward returns a dict (gen_segmentation_reference.py: a
 * seeded torchvision FCN, {@code {"out", "aux"}}, explained on {@code out}): Grad-CAM at {@code
 * layer2} against pytorch-grad-cam 1.5.5 with its {@code SemanticSegmentationTarget} on the eager
 * model, and the signed saliency against torch.autograd's gradient of {@code Σ mask · out[:, 2]},
 * with one mask for both samples and with one mask per sample, in float64 and float32.
 *
 * <p>pytorch-grad-cam's maps are float32 (it min-max scales and resizes in float32), so the float64
 * model is held to 1e-5 and the float32 one, run by libtorch 1.13 there and 2.7.1 here, to 1e-4.
 * The gradients are in the model's dtype: float64 agrees to rounding (1e-9 relative), float32 to
 * 1e-4 relative.
 */
class SegmentationParityTest {
  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (String fixture : new String[] {"fcn", "fcn-float32"}) {
      for (String mask : new String[] {"mask", "masks"}) {
        b.add(Arguments.of(fixture, mask));
      }
    }
    return b.build();
  }

  private static double maxAbs(NDArray a, NDArray b) {
    return a.toType(DataType.FLOAT64, false)
        .sub(b.toType(DataType.FLOAT64, false))
        .abs()
        .max()
        .getDouble();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void gradCamMatchesPytorchGradCam(String fixtureName, String mask) {
    try (SegmentationFixture f = SegmentationFixture.of(fixtureName, b -> b.output("out"))) {
      Target target = Target.segmentation(SegmentationFixture.CLASS, f.read(mask + ".npy"));
      GradCam cam = new GradCam();
      Options options =
          cam.options()
              .defaults()
              .with("layer", SegmentationFixture.LAYER)
              .with("normalise", "minmax");
      Attribution a = cam.attribute(f.model, f.x, target, options);
      NDArray reference = f.read("grad-cam-" + mask + ".npy");
      assertThat(a.values().getShape()).isEqualTo(new Shape(2, 64, 64));
      assertThat(reference.max().getFloat()).isGreaterThan(0.99f);
      double diff = maxAbs(a.values(), reference);
      double tolerance = f.x.getDataType() == DataType.FLOAT64 ? 1e-5 : 1e-4;
      System.out.printf(
          "segmentation parity %s grad-cam %s: max abs difference %.3g (tolerance %.0e)%n",
          fixtureName, mask, diff, tolerance);
      assertThat(diff).isLessThan(tolerance);
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void saliencyIsTheGradientOfTheMaskedClassSum(String fixtureName, String mask) {
    try (SegmentationFixture f = SegmentationFixture.of(fixtureName, b -> b.output("out"))) {
      Target target = Target.segmentation(SegmentationFixture.CLASS, f.read(mask + ".npy"));
      Saliency saliency = new Saliency();
      Attribution a =
          saliency.attribute(
              f.model, f.x, target, saliency.options().defaults().with("abs", false));
      NDArray reference = f.read("saliency-" + mask + ".npy");
      assertThat(a.values().getShape()).isEqualTo(f.x.getShape());
      double scale = reference.abs().max().toType(DataType.FLOAT64, false).getDouble();
      double relative = maxAbs(a.values(), reference) / scale;
      double tolerance = f.x.getDataType() == DataType.FLOAT64 ? 1e-9 : 1e-4;
      System.out.printf(
          "segmentation parity %s saliency %s: max abs difference %.3g of max |gradient| %.3g"
              + " (relative %.3g, tolerance %.0e)%n",
          fixtureName, mask, relative * scale, scale, relative, tolerance);
      assertThat(relative).isLessThan(tolerance);
    }
  }

  @Test
  void eachOutputOfTheDictIsTheEagerModels() {
    for (String output : new String[] {"out", "aux"}) {
      try (SegmentationFixture f = SegmentationFixture.of("fcn", b -> b.output(output))) {
        NDArray expected = f.read(output + ".npy");
        assertThat(maxAbs(f.model.forward(f.x), expected)).isLessThan(1e-12);
        NDArray z = f.model.toLayer(SegmentationFixture.LAYER, f.x);
        assertThat(z.getShape()).isEqualTo(new Shape(2, 16, 16, 16));
        assertThat(maxAbs(f.model.fromLayer(SegmentationFixture.LAYER, z), expected))
            .isLessThan(1e-12);
      }
    }
  }

  @Test
  void withoutAnOutputChoiceTheMethodNamesTheOutputs() {
    try (SegmentationFixture f = SegmentationFixture.of("fcn", b -> b)) {
      Target target = Target.segmentation(SegmentationFixture.CLASS, f.read("mask.npy"));
      GradCam cam = new GradCam();
      Options options = cam.options().defaults().with("layer", SegmentationFixture.LAYER);
      assertThatThrownBy(() -> cam.attribute(f.model, f.x, target, options))
          .isInstanceOf(ModelOutputException.class)
          .hasMessage(
              "from_layer2 returns 2 outputs, named aux, out: choose one by name when loading the"
                  + " model");
      assertThatThrownBy(() -> new Saliency().attribute(f.model, f.x, target))
          .isInstanceOf(ModelOutputException.class)
          .hasMessage(
              "forward returns 2 outputs, named aux, out: choose one by name when loading the"
                  + " model");
    }
  }

  @Test
  void aMaskOfTheWrongSizeOrAClassTheModelLacksIsAOneLineError() {
    try (SegmentationFixture f = SegmentationFixture.of("fcn", b -> b.output("out"))) {
      GradCam cam = new GradCam();
      Options options = cam.options().defaults().with("layer", SegmentationFixture.LAYER);
      Target small = Target.segmentation(2, f.manager.ones(new Shape(32, 32)));
      assertThatThrownBy(() -> cam.attribute(f.model, f.x, small, options))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage(
              "the target mask (32, 32) does not match the model output (2, 4, 64, 64): the mask"
                  + " must be (64, 64)");
      Target absent = Target.segmentation(4, f.read("mask.npy"));
      assertThatThrownBy(() -> new Saliency().attribute(f.model, f.x, absent))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("target class 4 is out of range [0, 3] of the model output (2, 4, 64, 64)");
    }
  }
}
