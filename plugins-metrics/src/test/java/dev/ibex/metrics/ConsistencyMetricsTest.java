package dev.ibex.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Target;
import dev.ibex.api.model.BlockModel;
import dev.ibex.metrics.core.Stats;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Max-sensitivity and the AIB interpretability score, with attributors whose behaviour is known.
 */
class ConsistencyMetricsTest extends RegionModelFixture {

  /** Returns the region R whatever the input: perfectly stable. */
  static final Attributor STABLE =
      TestAttributors.of(
          "stable",
          x -> x.getManager().create(R, new Shape(1, 1, 4, 4)).repeat(0, x.getShape().get(0)));

  /** Returns the input itself. */
  static final Attributor IDENTITY = TestAttributors.of("identity", NDArray::duplicate);

  /**
   * Uniform noise seeded by the input's content: deterministic, yet different for a perturbed
   * input.
   */
  static final Attributor NOISE =
      TestAttributors.of(
          "noise",
          x -> {
            java.util.Random r =
                new java.util.Random(
                    java.util.Arrays.hashCode(
                        x.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray()));
            float[] v = new float[(int) x.getShape().size()];
            for (int i = 0; i < v.length; i++) {
              v[i] = r.nextFloat();
            }
            return x.getManager().create(v, x.getShape());
          });

  /** 1 where the input exceeds 0.5. */
  static final Attributor STEP =
      TestAttributors.of(
          "step", x -> x.gt(0.5f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false));

  /** The attributor's maps of x for class 0, with the attributor to re-run. */
  static MetricInput input(BlockModel m, Attributor a, NDArray x) {
    NDArray attributions = a.attribute(m, x, Target.ofClass(0)).values();
    return MetricsUnderTest.classZero(m, x)
        .attributions(attributions)
        .attributor(a, a.options().defaults())
        .build();
  }

  static MetricResult run(
      String metric, BlockModel m, Attributor a, NDArray x, Map<String, ?> options) {
    return MetricsUnderTest.evaluate(metric, input(m, a, x), options);
  }

  @Test
  void maxSensitivityByHand() {
    NDArray x = TestModels.images(manager, Pixels.filled(1), R);
    // a map that does not depend on the input does not move
    assertThat(run("max-sensitivity", model, STABLE, x, Map.of()).perSample())
        .containsExactly(0, 0);
    // a step map of a {0,1} image cannot flip under noise of radius 0.2 < 0.5
    assertThat(run("max-sensitivity", model, STEP, x, Map.of()).value()).isEqualTo(0.0);
    // the input gradient of a linear logit is its weight vector: constant, so 0
    assertThat(run("max-sensitivity", model, TestAttributors.gradient(), x, Map.of()).value())
        .isCloseTo(0, within(1e-7));
    // identity map on all-ones (norm 4): the distance is |delta|, each |delta_e| <= 0.2, so at most
    // 0.8/4; and the largest of 10 draws of sqrt(sum of 16 U(-.2,.2)^2) is well above half its
    // mean 0.46
    NDArray ones = TestModels.images(manager, Pixels.filled(1));
    MetricResult id = run("max-sensitivity", model, IDENTITY, ones, Map.of());
    assertThat(id.value()).isBetween(0.23 / 4, 0.8 / 4);
    MetricResult raw = run("max-sensitivity", model, IDENTITY, ones, Map.of("relative", false));
    assertThat(raw.value()).isCloseTo(4 * id.value(), within(1e-6));
  }

  @Test
  void constantAndZeroMapsAreDefined() {
    Attributor zeros = TestAttributors.of("zeros", x -> x.zerosLike());
    Attributor constant = TestAttributors.of("constant", x -> x.onesLike().mul(0.3f));
    NDArray x = TestModels.images(manager, Pixels.uniform(2, 7));
    // a zero original map cannot be divided by: the raw distance (0 here) is reported, not NaN
    assertThat(run("max-sensitivity", model, zeros, x, Map.of()).perSample()).containsExactly(0, 0);
    assertThat(run("max-sensitivity", model, constant, x, Map.of()).value()).isEqualTo(0.0);
    // two constant maps min-max normalise to zeros and count as identical (cosine 1), not NaN
    MetricResult c = run("interpretability-score", model, constant, x, Map.of("size", 2));
    assertThat(c.extras().get("cosine")).containsOnly(1.0);
  }

  @Test
  void maxSensitivityNoiseIsWorseAndBatchOfOneAgrees() {
    float[][] img = Pixels.uniform(3, 1);
    NDArray x = TestModels.images(manager, img);
    double stable = run("max-sensitivity", model, STABLE, x, Map.of()).value();
    double noise = run("max-sensitivity", model, NOISE, x, Map.of()).value();
    assertThat(noise).isGreaterThan(stable + 0.3);
    // per-sample draws depend on the seed and the sample index only: sample 0 alone equals sample 0
    // in the batch
    MetricResult batch = run("max-sensitivity", model, IDENTITY, x, Map.of("samples", 4));
    MetricResult alone =
        run(
            "max-sensitivity",
            model,
            IDENTITY,
            TestModels.images(manager, img[0]),
            Map.of("samples", 4));
    assertThat(alone.value()).isCloseTo(batch.perSample()[0], within(1e-6));
  }

  @Test
  void interpretabilityScoreStableVersusNoise() {
    // weights R: class 0 wins while the sum over R is positive; a 2x2 colour block keeps
    // it positive
    NDArray x = TestModels.images(manager, Pixels.uniform(6, 2));
    Map<String, Object> o = Map.of("size", 2);
    MetricResult stable = run("interpretability-score", model, STABLE, x, o);
    MetricResult noise = run("interpretability-score", model, NOISE, x, o);
    assertThat(stable.skipped()).isZero();
    assertThat(stable.value()).isEqualTo(1.0);
    assertThat(noise.value()).isLessThan(stable.value());
    assertThat(stable.extras().get("cosine")).containsOnly(1.0);
  }

  @Test
  void interpretabilityScoreOfASampleDoesNotDependOnItsBatch() {
    // the occluding colour comes from the sample's own range and its seed, and forwards are chunked
    NDArray x = TestModels.images(manager, Pixels.uniform(5, 9));
    Map<String, Object> o = Map.of("size", 2, "internal-batch-size", 2);
    double[] together = run("interpretability-score", model, IDENTITY, x, o).extras().get("cosine");
    for (int i = 0; i < 5; i++) {
      double alone =
          run("interpretability-score", model, IDENTITY, x.get(i + ":" + (i + 1)), o)
              .extras()
              .get("cosine")[0];
      assertThat(alone)
          .as("sample %d", i)
          .isCloseTo(together[i], org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  @Test
  void interpretabilityScoreByHand() {
    // a block covering the whole 4x4 image makes it one colour: the identity map becomes constant,
    // its min-max normalisation zero, and the cosine with a non-constant map 0 -> inconsistent
    NDArray x = TestModels.images(manager, R);
    MetricResult whole = run("interpretability-score", model, IDENTITY, x, Map.of("size", 4));
    assertThat(whole.extras().get("cosine")[0]).isEqualTo(0.0);
    assertThat(whole.value()).isEqualTo(0.0);
    // a foreign 4x4 image pasted over everything: the map becomes that image; hand cosine of
    // min-max maps
    float[] foreign = new float[16];
    for (int p = 0; p < 16; p++) {
      foreign[p] =
          p < 8 ? 1 : 0; // top two rows: overlaps R on pixels 0, 1, 4, 5 -> cos = 4 / sqrt(4 * 8)
    }
    MetricInput in = input(model, IDENTITY, x);
    Map<String, Object> patch =
        Map.of(
            "modification",
            "foreign-patch",
            "size",
            4,
            "foreign-images",
            TestModels.images(manager, foreign));
    MetricResult f = MetricsUnderTest.evaluate("interpretability-score", in, patch);
    assertThat(f.extras().get("cosine")[0]).isCloseTo(4 / Math.sqrt(32), within(1e-6));
    assertThat(f.value()).isEqualTo(0.0); // 0.707 < 0.9
    Map<String, Object> lenient = new HashMap<>(patch);
    lenient.put("min-cosine", 0.7);
    assertThat(MetricsUnderTest.evaluate("interpretability-score", in, lenient).value())
        .isEqualTo(1.0);
    assertThatThrownBy(
            () ->
                MetricsUnderTest.evaluate(
                    "interpretability-score", in, Map.of("modification", "foreign-patch")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("foreign-images");
  }

  @Test
  void predictionChangesAreSkippedNotScored() {
    // weights +1 on R, -1 elsewhere; image = R: z0 = 4 -> class 0. A block over the whole image of
    // colour c > 0 gives z0 = 4c - 12c < 0 -> class 1: the sample is not prediction-consistent and
    // is skipped
    float[] w = new float[16];
    for (int p = 0; p < 16; p++) {
      w[p] = R[p] == 1 ? 1 : -1;
    }
    try (BlockModel signed = TestModels.weightedSum(manager, w)) {
      MetricResult r =
          run(
              "interpretability-score",
              signed,
              STABLE,
              TestModels.images(manager, R, R),
              Map.of("size", 4));
      assertThat(r.skipped()).isEqualTo(2);
      assertThat(r.value()).isNaN();
    }
  }

  /**
   * Low-pass with a radius beyond every frequency keeps the image, and so does high-pass with
   * radius 0: identity maps stay identical.
   */
  @ParameterizedTest
  @CsvSource({"low-pass, 100", "high-pass, 0"})
  void frequencyFilteringKeepsWhatItShould(String filter, double radius) {
    NDArray x = TestModels.images(manager, Pixels.uniform(2, 3));
    MetricResult r =
        run(
            "interpretability-score",
            model,
            IDENTITY,
            x,
            Map.of("modification", filter, filter + "-radius", radius));
    assertThat(r.extras().get("cosine")).containsExactly(new double[] {1, 1}, within(1e-6));
  }

  @Test
  void spearmanByHandAndAgainstScipy() {
    // no ties: d^2 = 2, rho = 1 - 6*2/(4*15) = 0.8
    assertThat(Stats.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 3, 2, 4}))
        .isCloseTo(0.8, within(1e-12));
    // ties share their mean rank: scipy.stats.spearmanr([1,1,2,3],[1,2,3,4]) = 0.9486832980505139
    assertThat(Stats.spearman(new double[] {1, 1, 2, 3}, new double[] {1, 2, 3, 4}))
        .isCloseTo(0.9486832980505139, within(1e-12));
    assertThat(Stats.spearman(new double[] {2, 2, 2, 2}, new double[] {1, 2, 3, 4})).isEqualTo(0.0);
  }
}
