package dev.ibex.attribution.perturbation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ibex.api.Attribution;
import dev.ibex.api.options.Options;
import dev.ibex.attribution.fixtures.ParityFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Occlusion against Captum 0.8.0's {@code Occlusion} (window 3x8x8, strides 3x4x4, baseline 0),
 * float64 fixtures.
 */
class OcclusionParityTest {
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.ibex.attribution.fixtures.ParityFixture#all")
  void matchesCaptum(String dir) {
    try (ParityFixture fixture = new ParityFixture(dir)) {
      Occlusion occlusion = new Occlusion();
      // internal batch 20 does not divide the 49 positions: chunks straddle samples
      Options options =
          occlusion
              .options()
              .defaults()
              .with("window", "3x8x8")
              .with("stride", "3x4x4")
              .with("baseline", 0.0)
              .with("internal-batch-size", 20);
      Attribution a = occlusion.attribute(fixture.model, fixture.x, fixture.target(), options);
      // Captum's Occlusion returns float32 (it casts the sums to float before dividing by the
      // window counts), so its reference carries one float32 rounding of a float64
      // computation: ~6e-8
      fixture.check("occlusion", a.values(), 1e-6);
      assertThat(a.forwardPassesPerSample()).isEqualTo(1 + 49);
      assertThat(a.backwardPasses()).isZero();
    }
  }
}
