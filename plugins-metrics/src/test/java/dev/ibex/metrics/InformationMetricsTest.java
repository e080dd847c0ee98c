package dev.ibex.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The HSIC-based information metrics against values computed independently with numpy
 * (src/test/python/gen_hsic.py) and against a 2-sample case by hand.
 */
class InformationMetricsTest extends ManagerFixture {

  static NDArray npy(String name) throws Exception {
    return TestResources.npy(manager, "hsic/" + name);
  }

  static MetricResult run(String metric, NDArray x, NDArray r, NDArray m, Map<String, ?> options) {
    MetricInput in = MetricInput.builder().inputs(x).attributions(r).masks(m).build();
    return MetricsUnderTest.evaluate(metric, in, options);
  }

  @Test
  void matchesTheNumpyReference() throws Exception {
    NDArray x = npy("x.npy");
    NDArray r = npy("r.npy");
    NDArray m = npy("m.npy");
    double[] e = npy("expected.npy").toDoubleArray();
    MetricResult raw = run("info-differential", x, r, m, Map.of());
    assertThat(raw.value()).isCloseTo(e[0], within(1e-6));
    assertThat(raw.extras().get("fg")[0]).isCloseTo(e[6], within(1e-6));
    assertThat(raw.extras().get("bg")[0]).isCloseTo(e[7], within(1e-6));
    assertThat(raw.perSample()).isEmpty();
    assertThat(run("info-differential", x, r, m, Map.of("statistic", "cka")).value())
        .isCloseTo(e[1], within(1e-6));
    assertThat(run("dependence-fg", x, r, m, Map.of()).value()).isCloseTo(e[2], within(1e-6));
    assertThat(run("dependence-bg", x, r, m, Map.of()).value()).isCloseTo(e[3], within(1e-6));
    assertThat(run("dependence-xfg-rbg", x, r, m, Map.of()).value()).isCloseTo(e[4], within(1e-6));
    assertThat(run("dependence-xbg-rfg", x, r, m, Map.of()).value()).isCloseTo(e[5], within(1e-6));
  }

  @Test
  void twoSamplesByHand() {
    // n = 2: the centred Gram matrices are (1-c)/2 [[1,-1],[-1,1]] with c the cosine of the two
    // rows, so HSIC = (1 - c_x)(1 - c_r). X_fg rows e0 and e1 (c_x = 0), R_fg rows e0 and e0+e1
    // (c_r = 1/sqrt2); nothing outside the mask: the background rows are zero and HSIC_bg = 0.
    float[] mask = LocalisationMetricsTest.MASK;
    NDArray x = TestModels.images(manager, Pixels.leading(1), Pixels.leading(0, 1));
    NDArray r = TestModels.maps(manager, Pixels.leading(1), Pixels.leading(1, 1));
    NDArray m = TestModels.maps(manager, mask, mask);
    MetricResult d = run("info-differential", x, r, m, Map.of());
    assertThat(d.value()).isCloseTo(1 - 1 / Math.sqrt(2), within(1e-7));
    assertThat(d.extras().get("bg")[0]).isEqualTo(0.0);
    // normalised: HSIC(a,b)/sqrt(HSIC(a,a) HSIC(b,b)) = 1 for two samples with c < 1
    assertThat(run("dependence-fg", x, r, m, Map.of()).value()).isCloseTo(1.0, within(1e-7));
    // zero background rows: no dependence and no NaN
    assertThat(run("dependence-bg", x, r, m, Map.of()).value()).isEqualTo(0.0);
  }

  @Test
  void foregroundAttributionBeatsNoise() {
    Random rnd = new Random(9);
    int n = 8;
    float[][] img = new float[n][16];
    float[][] perfect = new float[n][16];
    float[][] noise = new float[n][16];
    float[][] masks = new float[n][];
    for (int i = 0; i < n; i++) {
      masks[i] = LocalisationMetricsTest.MASK;
      for (int p = 0; p < 16; p++) {
        img[i][p] = (float) rnd.nextGaussian();
        perfect[i][p] = masks[i][p] * img[i][p];
        noise[i][p] = (float) rnd.nextGaussian();
      }
    }
    NDArray x = TestModels.images(manager, img);
    NDArray m = TestModels.maps(manager, masks);
    double good =
        run("info-differential", x, TestModels.maps(manager, perfect), m, Map.of()).value();
    double bad = run("info-differential", x, TestModels.maps(manager, noise), m, Map.of()).value();
    assertThat(good).isGreaterThan(bad);
    assertThat(run("dependence-fg", x, TestModels.maps(manager, perfect), m, Map.of()).value())
        .isCloseTo(1.0, within(1e-6));
    assertThat(run("dependence-xbg-rfg", x, TestModels.maps(manager, perfect), m, Map.of()).value())
        .isLessThan(
            run("dependence-fg", x, TestModels.maps(manager, perfect), m, Map.of()).value());
  }

  @Test
  void aBatchOfOneIsRefusedClearly() {
    NDArray x = TestModels.images(manager, LocalisationMetricsTest.A);
    NDArray m = TestModels.maps(manager, LocalisationMetricsTest.MASK);
    assertThatThrownBy(
            () ->
                run(
                    "info-differential",
                    x,
                    TestModels.maps(manager, LocalisationMetricsTest.A),
                    m,
                    Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at least 2 samples");
  }
}
