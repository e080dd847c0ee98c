package dev.ibex.attribution.cam;

import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.options.Options;
import dev.ibex.attribution.fixtures.ParityFixture;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CAM family against Captum 0.8.0 ({@code LayerGradCam}, {@code LayerAttribution.interpolate})
 * and pytorch-grad-cam (ReLU, per-sample min-max, OpenCV bilinear resize) on the parity fixtures
 * (TorchScript models split at conv3), float64. Captum's maps are float64 and held to 1e-9
 * (measured ~1e-15). pytorch-grad-cam returns float32: it casts the min-max scaled map to float32
 * and resizes it with OpenCV in float32, then min-max scales again; OpenCV's INTER_LINEAR has the
 * same weights as ours, so what remains is float32 rounding (measured ~1e-7) and those are held to
 * 1e-5.
 */
class CamParityTest {
  private static final double CAPTUM = 1e-9;
  private static final double GRAD_CAM_LIBRARY = 1e-5;

  @TempDir static Path tmp;

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (String dir : ParityFixture.ALL) {
      // reference file, method, options, tolerance (relative L-infinity)
      b.add(
          Arguments.of(
              dir, "grad-cam.layer.npy", new GradCam(), Map.of("upsample", false), CAPTUM));
      b.add(Arguments.of(dir, "grad-cam.npy", new GradCam(), Map.of(), CAPTUM));
      b.add(
          Arguments.of(
              dir,
              "grad-cam.minmax.npy",
              new GradCam(),
              Map.of("normalise", "minmax"),
              GRAD_CAM_LIBRARY));
      b.add(
          Arguments.of(
              dir,
              "grad-cam-plus-plus.npy",
              new GradCamPlusPlus(),
              Map.of("normalise", "minmax"),
              GRAD_CAM_LIBRARY));
      b.add(
          Arguments.of(
              dir,
              "score-cam.npy",
              new ScoreCam(),
              Map.of("normalise", "minmax"),
              GRAD_CAM_LIBRARY));
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void matchesReference(
      String dir, String reference, Attributor method, Map<String, Object> opts, double tolerance) {
    try (ParityFixture fixture = new ParityFixture(dir)) {
      Options options = method.options().defaults().with("layer", "conv3");
      for (Map.Entry<String, Object> e : opts.entrySet()) {
        options = options.with(e.getKey(), e.getValue());
      }
      Attribution a = method.attribute(fixture.model, fixture.x, fixture.target(), options);
      fixture.check(reference.replace(".npy", ""), a.values(), tolerance);
    }
  }
}
