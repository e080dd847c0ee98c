package dev.ibex.attribution.gradient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.Attribution;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.Target;
import dev.ibex.api.options.Options;
import dev.ibex.attribution.fixtures.ParityFixture;
import dev.ibex.attribution.fixtures.TestModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MFABA against an independent PyTorch re-implementation (src/test/python/gen_mfaba_reference.py:
 * one sample at a time, a separate early-stop forward per step, as the authors' code), on two
 * fixtures and three settings: smooth with an ε-ball that binds, clamping and early stop; sharp
 * with early stop; the raw target score without early stop (NIB's setting).
 */
class MfabaTest {
  /**
   * Float64 fixtures: the paths (sign steps, early stops) and sums then match to ~1e-15. In float32
   * the sharp path's early stop and ReLU ties moved with the CPU (2e-2 on an AVX2 machine).
   */
  private static final double TOLERANCE = 1e-9;

  private final Mfaba mfaba = new Mfaba();

  @ParameterizedTest
  @ValueSource(strings = {"plain", "residual-s2"})
  void matchesTheReferenceImplementation(String dir) {
    try (ParityFixture f = new ParityFixture(dir)) {
      Options d = mfaba.options().defaults();
      check(
          f,
          "mfaba.smooth",
          d.with("variant", "smooth")
              .with("steps", 12)
              .with("step-size", 0.08)
              .with("epsilon", 0.5)
              .with("clamp-min", -2.5)
              .with("clamp-max", 2.5));
      Attribution sharp =
          check(
              f,
              "mfaba.sharp",
              d.with("variant", "sharp").with("steps", 12).with("step-size", 0.06));
      check(
          f,
          "mfaba.target-score",
          d.with("steps", 10)
              .with("step-size", 0.01)
              .with("epsilon", Double.POSITIVE_INFINITY)
              .with("score", "target")
              .with("early-stop", false));
      // early stop: every path that ended before 12 steps crossed the boundary, and then costs K +
      // 1 passes
      double[] steps = sharp.diagnostics().get("path-steps");
      double[] crossed = sharp.diagnostics().get("boundary-crossed");
      double forward = 0;
      for (int i = 0; i < steps.length; i++) {
        assertThat(crossed[i]).isEqualTo(steps[i] < 12 ? 1.0 : crossed[i]);
        forward += steps[i] + 1;
      }
      assertThat(sharp.forwardPasses()).isEqualTo((long) forward);
    }
  }

  private Attribution check(ParityFixture f, String name, Options o) {
    Attribution a = mfaba.attribute(f.model, f.x, Target.predicted(), o);
    System.out.printf(
        "mfaba %s %s: steps %s, gap %s%n",
        f.dir,
        name,
        java.util.Arrays.toString(a.diagnostics().get("path-steps")),
        java.util.Arrays.toString(a.diagnostics().get("completeness-gap")));
    f.check("mfaba/" + name, a.values(), TOLERANCE);
    return a;
  }

  /** Σ A ≈ S(x) − S(x_K): the first-order rule's error shrinks with the step size. */
  @Test
  void smallerStepsCloseTheGap() {
    try (ParityFixture f = new ParityFixture("plain")) {
      Options o =
          mfaba
              .options()
              .defaults()
              .with("score", "target")
              .with("early-stop", false)
              .with("epsilon", 1e9);
      double coarse =
          maxGap(
              mfaba.attribute(
                  f.model, f.x, Target.predicted(), o.with("steps", 4).with("step-size", 0.02)));
      Attribution fine =
          mfaba.attribute(
              f.model, f.x, Target.predicted(), o.with("steps", 16).with("step-size", 0.005));
      assertThat(maxGap(fine)).isLessThan(coarse / 2);
      assertThat(fine.forwardPassesPerSample()).isEqualTo(17.0);
      assertThat(fine.backwardPassesPerSample()).isEqualTo(16.0);
    }
  }

  /** On a Java block model too: the path ends at the boundary and the first-order rule holds. */
  @Test
  void worksOnAJavaBlockModel() {
    try (TestModel tiny = TestModel.tinyCnn(true, 21)) {
      // a seeded input: the global torch generator would make the path (and the test) vary run
      // to run
      NDArray x = tiny.images(11, 3);
      Options o =
          mfaba
              .options()
              .defaults()
              .with("variant", "sharp")
              .with("steps", 3000)
              .with("step-size", 0.0003)
              .with("score", "target");
      Attribution a = mfaba.attribute(tiny.model(), x, Target.predicted(), o);
      double[] crossed = a.diagnostics().get("boundary-crossed");
      double[] gap = a.diagnostics().get("completeness-gap");
      float[] sums = a.values().reshape(3, -1).sum(new int[] {1}).toFloatArray();
      for (int i = 0; i < 3; i++) {
        assertThat(crossed[i]).as("sample %d reaches the boundary", i).isEqualTo(1.0);
        assertThat(Math.abs(gap[i])).isLessThan(0.05 * Math.abs(sums[i]));
      }
    }
  }

  @Test
  void softmaxScoreNeedsAClassTarget() {
    try (ParityFixture f = new ParityFixture("plain")) {
      Target cosine =
          Target.cosineSimilarity(f.manager.ones(new ai.djl.ndarray.types.Shape(4, 10)));
      assertThatThrownBy(() -> mfaba.attribute(f.model, f.x, cosine))
          .isInstanceOf(InvalidOptionException.class)
          .hasMessageContaining("score=target");
      Attribution a =
          mfaba.attribute(
              f.model,
              f.x,
              cosine,
              mfaba.options().defaults().with("score", "target").with("steps", 3));
      assertThat(a.diagnostics().get("path-steps")).containsOnly(3.0);
      assertThatThrownBy(
              () ->
                  mfaba.attribute(
                      f.model,
                      f.x,
                      Target.predicted(),
                      mfaba.options().defaults().with("clamp-min", 1.0).with("clamp-max", 0.0)))
          .isInstanceOf(InvalidOptionException.class)
          .hasMessageContaining("clamp-min");
      assertThatThrownBy(() -> mfaba.options().defaults().with("variant", "blunt"))
          .isInstanceOf(InvalidOptionException.class);
    }
  }

  private static double maxGap(Attribution a) {
    double m = 0;
    for (double g : a.diagnostics().get("completeness-gap")) {
      m = Math.max(m, Math.abs(g));
    }
    return m;
  }
}
