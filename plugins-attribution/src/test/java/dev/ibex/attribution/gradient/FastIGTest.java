package dev.ibex.attribution.gradient;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.Attribution;
import dev.ibex.api.Target;
import dev.ibex.api.model.BlockModel;
import dev.ibex.attribution.fixtures.ParityFixture;
import dev.ibex.attribution.fixtures.TestModel;
import org.junit.jupiter.api.Test;

/** FastIG is exact IG on a nonnegatively homogeneous (bias-free ReLU) network, and only there. */
class FastIGTest {
  @Test
  void equalsIntegratedGradientsOnAHomogeneousNetwork() {
    try (TestModel homogeneous = TestModel.tinyCnn(false, 5)) {
      BlockModel model = homogeneous.model();
      NDArray x = homogeneous.images(102, 3);
      Target t = Target.perSample(1, 2, 4);
      Attribution fast = new FastIG().attribute(model, x, t);
      IntegratedGradients ig = new IntegratedGradients();
      Attribution slow = ig.attribute(model, x, t, ig.options().defaults().with("steps", 256));
      assertThat(ParityFixture.relativeLinf(fast.values(), slow.values())).isLessThan(1e-4);
      for (double g : fast.diagnostics().get("homogeneity-gap")) {
        assertThat(Math.abs(g)).isLessThan(1e-4);
      }
      assertThat(fast.forwardPassesPerSample()).isEqualTo(1.0);
      assertThat(fast.backwardPassesPerSample()).isEqualTo(1.0);
      // and it is input x gradient
      NDArray ixg = new InputXGradient().attribute(model, x, t).values();
      assertThat(fast.values().sub(ixg).abs().max().getFloat()).isEqualTo(0f);
    }
  }

  @Test
  void reportsTheGapOnANetworkWithBiases() {
    try (TestModel withBiases = TestModel.tinyCnn(true, 5)) {
      NDArray x = withBiases.images(103, 3);
      Attribution fast = new FastIG().attribute(withBiases.model(), x, Target.ofClass(0));
      double worst = 0;
      for (double g : fast.diagnostics().get("homogeneity-gap")) {
        worst = Math.max(worst, Math.abs(g));
      }
      assertThat(worst).isGreaterThan(1e-3);
    }
  }
}
