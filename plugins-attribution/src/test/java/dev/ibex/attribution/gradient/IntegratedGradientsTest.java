package dev.ibex.attribution.gradient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Attribution;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.Target;
import dev.ibex.api.options.Options;
import dev.ibex.api.spi.GaussianBlur;
import dev.ibex.attribution.fixtures.ParityFixture;
import dev.ibex.attribution.fixtures.TestModel;
import org.junit.jupiter.api.Test;

/** Integrated gradients: completeness, quadrature rules, baselines, batching and option errors. */
class IntegratedGradientsTest {
  private final IntegratedGradients ig = new IntegratedGradients();

  /**
   * 256 steps close the completeness gap to under 1% of |F(x) − F(baseline)|, on every fixture.
   * (Not Captum's riemann_trapezoid: its weights sum to 1 − 1/n, a bias of order 1/n.)
   */
  @Test
  void closesTheCompletenessGap() {
    for (String dir : ParityFixture.ALL) {
      try (ParityFixture f = new ParityFixture(dir)) {
        for (String q : new String[] {"gausslegendre", "riemann_middle"}) {
          Options o =
              ig.options()
                  .defaults()
                  .with("steps", 256)
                  .with("quadrature", q)
                  .with("internal-batch-size", 256);
          Attribution a = ig.attribute(f.model, f.x, Target.perSample(f.y), o);
          double[] gap = a.diagnostics().get("completeness-gap");
          double[] delta = a.diagnostics().get("score-difference");
          for (int i = 0; i < gap.length; i++) {
            System.out.printf(
                "completeness %s %s sample %d: gap %.3g of %.3g%n", dir, q, i, gap[i], delta[i]);
            assertThat(Math.abs(gap[i]))
                .as("%s %s sample %d", dir, q, i)
                .isLessThan(0.01 * Math.abs(delta[i]));
          }
        }
      }
    }
  }

  @Test
  void quadratureRulesFollowCaptum() {
    double[][] right = Quadrature.RIEMANN_RIGHT.rule(4);
    assertThat(right[0]).containsExactly(0.25, 0.5, 0.75, 1.0);
    assertThat(right[1]).containsExactly(0.25, 0.25, 0.25, 0.25);
    double[][] left = Quadrature.RIEMANN_LEFT.rule(4);
    assertThat(left[0]).containsExactly(0.0, 0.25, 0.5, 0.75);
    double[][] mid = Quadrature.RIEMANN_MIDDLE.rule(4);
    assertThat(mid[0]).containsExactly(0.125, 0.375, 0.625, 0.875);
    double[][] trap = Quadrature.RIEMANN_TRAPEZOID.rule(5);
    assertThat(trap[0]).containsExactly(0.0, 0.25, 0.5, 0.75, 1.0);
    assertThat(trap[1]).containsExactly(0.1, 0.2, 0.2, 0.2, 0.1);
    // numpy.polynomial.legendre.leggauss(3): nodes ±sqrt(3/5), 0; weights 5/9, 8/9, 5/9
    double[][] gl = Quadrature.GAUSSLEGENDRE.rule(3);
    double r = Math.sqrt(0.6);
    assertThat(gl[0][0]).isCloseTo(0.5 * (1 - r), org.assertj.core.data.Offset.offset(1e-15));
    assertThat(gl[0][1]).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(gl[1][0]).isCloseTo(5.0 / 18, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(gl[1][1]).isCloseTo(8.0 / 18, org.assertj.core.data.Offset.offset(1e-15));
    // an n-point rule integrates polynomials up to degree 2n - 1 exactly: ∫ 8 a^7 = 1 with n = 4
    double[][] g4 = Quadrature.GAUSSLEGENDRE.rule(4);
    double integral = 0;
    for (int k = 0; k < 4; k++) {
      integral += g4[1][k] * 8 * Math.pow(g4[0][k], 7);
    }
    assertThat(integral).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-13));
    double[][] g64 = Quadrature.GAUSSLEGENDRE.rule(64);
    assertThat(java.util.Arrays.stream(g64[1]).sum())
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-13));
    assertThatThrownBy(() -> Quadrature.RIEMANN_RIGHT.rule(1))
        .isInstanceOf(InvalidOptionException.class);
  }

  /** The internal batch size changes how rows are chunked, never the result. */
  @Test
  void batchingDoesNotChangeTheResult() {
    try (ParityFixture f = new ParityFixture("plain")) {
      Options o = ig.options().defaults().with("steps", 10);
      NDArray one =
          ig.attribute(f.model, f.x, Target.perSample(f.y), o.with("internal-batch-size", 1))
              .values();
      NDArray all =
          ig.attribute(f.model, f.x, Target.perSample(f.y), o.with("internal-batch-size", 40))
              .values();
      NDArray odd =
          ig.attribute(f.model, f.x, Target.perSample(f.y), o.with("internal-batch-size", 7))
              .values();
      assertThat(ParityFixture.relativeLinf(one, all)).isLessThan(1e-5);
      assertThat(ParityFixture.relativeLinf(odd, all)).isLessThan(1e-5);
    }
  }

  @Test
  void baselinesAsTextNumberAndTensorAgree() {
    try (ParityFixture f = new ParityFixture("plain")) {
      Options o = ig.options().defaults().with("steps", 16);
      Target t = Target.perSample(f.y);
      NDArray text = ig.attribute(f.model, f.x, t, o.with("baseline", "0.5")).values();
      NDArray number = ig.attribute(f.model, f.x, t, o.with("baseline", 0.5)).values();
      NDArray tensor =
          ig.attribute(
                  f.model, f.x, t, o.with("baseline", f.manager.full(new Shape(3, 32, 32), 0.5f)))
              .values();
      assertThat(ParityFixture.relativeLinf(number, text)).isEqualTo(0.0);
      assertThat(ParityFixture.relativeLinf(tensor, text)).isLessThan(1e-6);
      NDArray zeros = ig.attribute(f.model, f.x, t, o).values();
      assertThat(zeros.sub(text).abs().max().getDouble()).isGreaterThan(0.0);
      // the blur baseline: attributions of x against blur(x); completeness still holds
      Attribution blur =
          ig.attribute(
              f.model,
              f.x,
              t,
              o.with("baseline", "blur").with("blur-sigma", 2.0).with("steps", 128));
      NDArray blurred = GaussianBlur.blur(f.x, 2.0);
      NDArray explicit =
          ig.attribute(f.model, f.x, t, o.with("baseline", blurred).with("steps", 128)).values();
      assertThat(ParityFixture.relativeLinf(blur.values(), explicit)).isLessThan(1e-6);
      assertCompleteness(blur, 0.02);
    }
  }

  /** The blur kernel against hand values, and a constant image stays constant at the borders. */
  @Test
  void gaussianBlur() {
    double[] k = GaussianBlur.kernel(1.0);
    assertThat(k).hasSize(7);
    double z = 0;
    for (int i = -3; i <= 3; i++) {
      z += Math.exp(-0.5 * i * i);
    }
    assertThat((double) k[3]).isCloseTo(1 / z, org.assertj.core.data.Offset.offset(1e-7));
    assertThat((double) k[4])
        .isCloseTo(Math.exp(-0.5) / z, org.assertj.core.data.Offset.offset(1e-7));
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray c = m.full(new Shape(2, 3, 9, 7), 0.7f);
      assertThat(GaussianBlur.blur(c, 1.5).sub(0.7f).abs().max().getFloat()).isLessThan(1e-6f);
      // an impulse in the middle spreads as the outer product of the kernel
      NDArray impulse = m.zeros(new Shape(1, 1, 9, 9));
      impulse.set(new ai.djl.ndarray.index.NDIndex("0, 0, 4, 4"), 1f);
      NDArray b = GaussianBlur.blur(impulse, 1.0);
      assertThat((double) b.get("0, 0, 4, 5").getFloat())
          .isCloseTo(k[3] * k[4], org.assertj.core.data.Offset.offset(1e-7));
      assertThat((double) b.get("0, 0, 3, 5").getFloat())
          .isCloseTo(k[2] * k[4], org.assertj.core.data.Offset.offset(1e-7));
      // row 2's window reaches one row past the border: the kernel is renormalised by 1 - k[0]
      assertThat((double) b.get("0, 0, 2, 5").getFloat())
          .isCloseTo(k[1] * k[4] / (1 - k[0]), org.assertj.core.data.Offset.offset(1e-7));
    }
  }

  @Test
  void worksOnAJavaBlockModel() {
    try (TestModel tiny = TestModel.tinyCnn(true, 3)) {
      NDArray x = tiny.images(101, 2);
      Attribution a =
          ig.attribute(
              tiny.model(), x, Target.predicted(), ig.options().defaults().with("steps", 200));
      assertThat(a.values().getShape()).isEqualTo(x.getShape());
      assertCompleteness(a, 0.01);
    }
  }

  /** Every sample's completeness gap is under a fraction of |F(x) − F(baseline)|. */
  private static void assertCompleteness(Attribution a, double fraction) {
    double[] gap = a.diagnostics().get("completeness-gap");
    double[] delta = a.diagnostics().get("score-difference");
    for (int i = 0; i < gap.length; i++) {
      assertThat(Math.abs(gap[i])).as("sample %d", i).isLessThan(fraction * Math.abs(delta[i]));
    }
  }

  @Test
  void badOptionsFailTyped() {
    try (ParityFixture f = new ParityFixture("plain")) {
      Options d = ig.options().defaults();
      Target t = Target.ofClass(0);
      assertThatThrownBy(() -> d.with("quadrature", "simpson"))
          .isInstanceOf(InvalidOptionException.class)
          .hasMessageContaining("quadrature");
      assertThatThrownBy(() -> d.with("steps", 0))
          .isInstanceOf(InvalidOptionException.class)
          .hasMessageContaining("steps");
      assertThatThrownBy(
              () ->
                  ig.attribute(
                      f.model, f.x, t, d.with("steps", 1).with("quadrature", "riemann_left")))
          .isInstanceOf(InvalidOptionException.class)
          .hasMessageContaining("steps >= 2");
      assertThatThrownBy(() -> ig.attribute(f.model, f.x, t, d.with("baseline", "grey")))
          .isInstanceOf(InvalidOptionException.class)
          .hasMessageContaining("baseline");
      assertThatThrownBy(
              () ->
                  ig.attribute(
                      f.model, f.x, t, d.with("baseline", f.manager.zeros(new Shape(3, 16, 16)))))
          .isInstanceOf(InvalidOptionException.class)
          .hasMessageContaining("does not fit");
      assertThatThrownBy(() -> ig.attribute(f.model, f.x, t, new Saliency().options().defaults()))
          .isInstanceOf(InvalidOptionException.class);
    }
  }
}
