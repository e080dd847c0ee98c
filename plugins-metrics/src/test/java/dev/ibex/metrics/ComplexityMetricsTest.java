package dev.ibex.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ibex.api.Direction;
import dev.ibex.api.Metric;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import org.junit.jupiter.api.Test;

/**
 * Sparseness (Gini) and complexity (entropy) on 4x4 maps by hand. Gini with sorted magnitudes
 * a_1..a_16: G = Σ (2k − 17) a_k / (16 Σ a). One pixel at 1: only k = 16 counts, G = 15/16. Two
 * pixels at 1: (13 + 15) / 32 = 7/8. Entropy of p = |a|/Σ|a|: four equal pixels give ln 4; one
 * pixel gives 0; weights (1, 1, 2) give −(¼ ln ¼ · 2 + ½ ln ½) = 1.5 ln 2.
 */
class ComplexityMetricsTest extends ManagerFixture {

  static MetricResult run(String metric, float[]... maps) {
    Metric m = MetricsUnderTest.get(metric);
    return m.evaluate(MetricInput.builder().attributions(TestModels.maps(manager, maps)).build());
  }

  @Test
  void giniByHand() {
    assertThat(run("sparseness", Pixels.leading(1)).value()).isCloseTo(15 / 16.0, within(1e-12));
    assertThat(run("sparseness", Pixels.leading(1, 1)).value()).isCloseTo(7 / 8.0, within(1e-12));
    // magnitudes count: a negative pixel is as sparse as a positive one
    assertThat(run("sparseness", Pixels.leading(-1, 1)).value()).isCloseTo(7 / 8.0, within(1e-12));
    assertThat(MetricsUnderTest.get("sparseness").direction())
        .isEqualTo(Direction.HIGHER_IS_BETTER);
  }

  @Test
  void entropyByHand() {
    assertThat(run("complexity", Pixels.leading(1, 1, 1, 1)).value())
        .isCloseTo(Math.log(4), within(1e-12));
    assertThat(run("complexity", Pixels.leading(3)).value()).isCloseTo(0, within(1e-12));
    assertThat(run("complexity", Pixels.leading(1, -1, 2)).value())
        .isCloseTo(1.5 * Math.log(2), within(1e-12));
    assertThat(MetricsUnderTest.get("complexity").direction()).isEqualTo(Direction.LOWER_IS_BETTER);
  }

  @Test
  void constantAndZeroMapsAreDefined() {
    float[] constant = Pixels.filled(0.3f);
    assertThat(run("sparseness", constant).value()).isCloseTo(0, within(1e-12));
    assertThat(run("complexity", constant).value()).isCloseTo(Math.log(16), within(1e-9));
    assertThat(run("sparseness", new float[16]).value()).isEqualTo(0.0);
    assertThat(run("complexity", new float[16]).value()).isCloseTo(Math.log(16), within(1e-12));
  }

  @Test
  void elementCountComesFromTheSampleNotTheBatchAxis() {
    // Quantus bug 2: n taken from the batch axis would make the Gini of one pixel in 16 depend on
    // the batch size. Batch of one and batch of three give the same 15/16 for that sample.
    MetricResult alone = run("sparseness", Pixels.leading(1));
    MetricResult three =
        run("sparseness", Pixels.leading(1), Pixels.leading(1, 1), Pixels.leading(1, 1, 1, 1));
    assertThat(alone.perSample()).hasSize(1);
    assertThat(three.perSample()[0]).isCloseTo(15 / 16.0, within(1e-12));
    assertThat(three.perSample()[1]).isCloseTo(7 / 8.0, within(1e-12));
    assertThat(run("complexity", Pixels.leading(1, 1, 1, 1), Pixels.leading(5)).perSample()[0])
        .isCloseTo(Math.log(4), within(1e-12));
  }

  @Test
  void concentratedMapBeatsNoise() {
    float[] noise = Pixels.uniform(1, 2)[0];
    float[] focused = Pixels.leading(1, 0.5f);
    assertThat(run("sparseness", focused).value()).isGreaterThan(run("sparseness", noise).value());
    assertThat(run("complexity", focused).value()).isLessThan(run("complexity", noise).value());
  }
}
