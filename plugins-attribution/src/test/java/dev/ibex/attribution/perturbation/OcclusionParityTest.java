package dev.ibex.attribution.perturbation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.Attribution;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.options.Options;
import dev.ibex.attribution.fixtures.ParityDir;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Occlusion against Captum 0.8.0's {@code Occlusion} (window 3x8x8, strides 3x4x4, baseline 0). */
class OcclusionParityTest {
  @TempDir static Path tmp;

  static final java.util.List<String> DIRS = ParityDir.ALL;

  @ParameterizedTest(name = "{0}")
  @FieldSource("DIRS")
  void matchesCaptum(String dir) {
    ParityDir fixture = new ParityDir(dir);
    try (NDManager manager = NDManager.newBaseManager();
        TorchScriptModel model = fixture.model(tmp)) {
      NDArray x = fixture.array("x.npy", manager);
      Occlusion occlusion = new Occlusion();
      // internal batch 20 does not divide the 49 positions: chunks straddle samples
      Options options =
          occlusion.options().defaults().with("window", "3x8x8").with("stride", "3x4x4").with("baseline", 0.0)
              .with("internal-batch-size", 20);
      Attribution a = occlusion.attribute(model, x, fixture.target(manager), options);
      double error = ParityDir.relativeLinf(a.values(), fixture.array("occlusion.npy", manager));
      System.out.printf("parity %s occlusion: relative Linf %.3g, passes/sample %.0f%n", dir, error, a.forwardPassesPerSample());
      assertThat(error).isLessThan(1e-4);
      assertThat(a.forwardPassesPerSample()).isEqualTo(1 + 49);
      assertThat(a.backwardPasses()).isZero();
    }
  }
}
