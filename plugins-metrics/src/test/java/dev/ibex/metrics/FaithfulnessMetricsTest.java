package dev.ibex.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Target;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.model.TorchScriptModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Insertion, deletion, confidence drop/increase and faithfulness correlation on a model whose
 * output is known in closed form: {@code z0 = Σ_p w_p x_p}, {@code z1 = 0}, so the target (class 0)
 * probability is {@code σ(z0)}. The region R is the top-left 2x2 block (pixels 0, 1, 4, 5) with
 * weight 1, the input is all ones, so {@code z0 = 4} on the input.
 */
class FaithfulnessMetricsTest extends RegionModelFixture {
  static final float[] ONES = Pixels.filled(1);

  static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  static double trapezoid(double... c) {
    double s = 0;
    for (double v : c) {
      s += v;
    }
    return (s - c[0] / 2 - c[c.length - 1] / 2) / (c.length - 1);
  }

  static MetricResult run(
      String metric,
      ExplainableModel m,
      Target t,
      NDArray x,
      NDArray maps,
      Map<String, ?> options) {
    MetricInput in = MetricInput.builder().model(m).inputs(x).target(t).attributions(maps).build();
    return MetricsUnderTest.evaluate(metric, in, options);
  }

  /** {@link #run} for class 0 of a model, one 4x4 map per image. */
  static MetricResult run(
      String metric, ExplainableModel m, NDArray x, float[] map, Map<String, ?> options) {
    return run(metric, m, Target.ofClass(0), x, TestModels.maps(manager, map), options);
  }

  /** {@link #run} for class 0 of the region model. */
  static MetricResult run(String metric, NDArray x, NDArray maps, Map<String, ?> options) {
    return run(metric, model, Target.ofClass(0), x, maps, options);
  }

  /** {@link #run} for class 0 of the region model, one 4x4 map per image. */
  static MetricResult run(String metric, NDArray x, float[] map, Map<String, ?> options) {
    return run(metric, model, x, map, options);
  }

  /** R ranked first (0.9 .. 0.6), then the rest in index order with smaller values. */
  static float[] perfect() {
    float[] f = new float[16];
    float next = 0.5f;
    for (int p = 0; p < 16; p++) {
      f[p] = R[p] == 1 ? 0.9f - 0.1f * (p == 0 ? 0 : p == 1 ? 1 : p == 4 ? 2 : 3) : (next -= 0.01f);
    }
    return f;
  }

  static float[] reversed() {
    float[] p = perfect();
    for (int i = 0; i < 16; i++) {
      p[i] = -p[i];
    }
    return p;
  }

  @Test
  void deletionByHand() {
    NDArray x = TestModels.images(manager, ONES);
    // steps 16: one pixel per step. Removing R first: z0 = 4, 3, 2, 1, then 0 for 12 more points.
    double[] c = new double[17];
    for (int k = 0; k <= 16; k++) {
      c[k] = sigmoid(Math.max(0, 4 - k));
    }
    MetricResult r = run("deletion", x, perfect(), Map.of("steps", 16));
    assertThat(r.value()).isCloseTo(trapezoid(c), within(1e-6));
    assertThat(r.extras().get("curve")).hasSize(17);
    assertThat(r.extras().get("curve")[3]).isCloseTo(sigmoid(1), within(1e-6));
    // steps 4 (4 pixels per step) with the reversed map: R goes last, z0 = 4, 4, 4, 4, 0
    MetricResult rev = run("deletion", x, reversed(), Map.of("steps", 4));
    double s4 = sigmoid(4);
    assertThat(rev.value()).isCloseTo(trapezoid(s4, s4, s4, s4, 0.5), within(1e-6));
    // logits instead of probabilities: 4, 0, 0, 0, 0 -> (4/2) / 4
    MetricResult logit = run("deletion", x, perfect(), Map.of("steps", 4, "score", "target"));
    assertThat(logit.value()).isCloseTo(0.5, within(1e-6));
  }

  @Test
  void insertionByHand() {
    NDArray x = TestModels.images(manager, ONES);
    // constant 0 start, revealing R first: z0 = 0, 1, 2, 3, then 4 for 13 points
    double[] c = new double[17];
    for (int k = 0; k <= 16; k++) {
      c[k] = sigmoid(Math.min(4, k));
    }
    MetricResult r = run("insertion", x, perfect(), Map.of("steps", 16, "baseline", "zeros"));
    assertThat(r.value()).isCloseTo(trapezoid(c), within(1e-6));
    // a 1x1 blur is the image itself: the curve is flat at sigma(4)
    MetricResult flat = run("insertion", x, perfect(), Map.of("steps", 4, "blur-kernel", 1));
    assertThat(flat.value()).isCloseTo(sigmoid(4), within(1e-6));
    // a 3x3 box blur (huge sigma) with zero padding of an all-ones image: corner 4/9, edge 6/9,
    // inside 1; R = {(0,0) corner, (0,1) edge, (1,0) edge, (1,1) inside}: z0 = 25/9 at the start of
    // the curve
    MetricResult box =
        run("insertion", x, perfect(), Map.of("steps", 4, "blur-kernel", 3, "blur-sigma", 1e4));
    assertThat(box.extras().get("curve")[0]).isCloseTo(sigmoid(25 / 9.0), within(1e-5));
    assertThat(box.extras().get("curve")[4]).isCloseTo(sigmoid(4), within(1e-6));
    assertThatThrownBy(() -> run("insertion", x, perfect(), Map.of("blur-kernel", 4)))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("odd");
  }

  @Test
  void perfectBeatsNoiseAndBatchingDoesNotChangeResults() {
    Random rnd = new Random(4);
    float[][] images = new float[5][16];
    float[][] perfect = new float[5][];
    float[][] noise = new float[5][16];
    for (int i = 0; i < 5; i++) {
      for (int p = 0; p < 16; p++) {
        images[i][p] = 0.5f + rnd.nextFloat();
        noise[i][p] = rnd.nextFloat();
      }
      perfect[i] = perfect();
    }
    NDArray x = TestModels.images(manager, images);
    NDArray good = TestModels.maps(manager, perfect);
    NDArray bad = TestModels.maps(manager, noise);
    Map<String, Object> o = Map.of("steps", 8, "baseline", "zeros");
    assertThat(run("insertion", x, good, o).value())
        .isGreaterThan(run("insertion", x, bad, o).value());
    assertThat(run("deletion", x, good, o).value()).isLessThan(run("deletion", x, bad, o).value());
    Map<String, Object> small = new HashMap<>(o);
    small.put("internal-batch-size", 1);
    MetricResult a = run("deletion", x, bad, o);
    MetricResult b = run("deletion", x, bad, small);
    assertThat(b.perSample()).containsExactly(a.perSample(), within(1e-6));
    // a batch of one scores its sample exactly as in the batch
    MetricResult single = run("deletion", TestModels.images(manager, images[2]), noise[2], o);
    assertThat(single.value()).isCloseTo(a.perSample()[2], within(1e-6));
  }

  @Test
  void constantMapIsDefined() {
    NDArray x = TestModels.images(manager, ONES);
    MetricResult r = run("deletion", x, Pixels.filled(0.2f), Map.of("steps", 16));
    // ties keep index order: pixels 0, 1 (in R), 2, 3, 4, 5 (in R), ...
    double[] z = {4, 3, 2, 2, 2, 1, 0};
    double[] c = new double[17];
    for (int k = 0; k <= 16; k++) {
      c[k] = sigmoid(z[Math.min(k, 6)]);
    }
    assertThat(r.value()).isCloseTo(trapezoid(c), within(1e-6));
  }

  @Test
  void confidenceDropAndIncreaseClassifierByHand() {
    NDArray x = TestModels.images(manager, ONES);
    // map = R: x*m keeps R, z0 stays 4: no drop, no increase
    MetricResult d0 = run("confidence-drop", x, R, Map.of());
    assertThat(d0.value()).isCloseTo(0, within(1e-9));
    // map 0.5 on R without normalisation: z0 = 2, drop = 100 (sigma(4) - sigma(2))
    float[] half = new float[16];
    for (int p = 0; p < 16; p++) {
      half[p] = R[p] / 2;
    }
    MetricResult d1 = run("confidence-drop", x, half, Map.of("normalise", "none"));
    assertThat(d1.value()).isCloseTo(100 * (sigmoid(4) - sigmoid(2)), within(1e-4));
    assertThat(d1.extras().get("masked-score")[0]).isCloseTo(sigmoid(2), within(1e-6));
    // min-max normalisation lifts the same map back to R: no drop
    assertThat(run("confidence-drop", x, half, Map.of()).value()).isCloseTo(0, within(1e-9));
    // a pixel that counts against class 0: w_15 = -1, z0 = 3; masking it out gives z0 = 4:
    // an increase
    float[] w = R.clone();
    w[15] = -1;
    try (BlockModel m2 = TestModels.weightedSum(manager, w)) {
      MetricResult inc = run("confidence-increase", m2, x, R, Map.of());
      assertThat(inc.value()).isEqualTo(100.0);
      assertThat(run("confidence-drop", m2, x, R, Map.of()).value()).isEqualTo(0.0);
      MetricResult logit =
          run("confidence-drop", m2, x, half, Map.of("normalise", "none", "score", "target"));
      assertThat(logit.value()).isCloseTo(100 * (3 - 2), within(1e-4));
    }
    // averaged over samples, zeros counted: drop 0 and drop 100(s4 - s2)
    MetricResult two =
        run(
            "confidence-drop",
            TestModels.images(manager, ONES, ONES),
            TestModels.maps(manager, R, half),
            Map.of("normalise", "none"));
    assertThat(two.value()).isCloseTo(50 * (sigmoid(4) - sigmoid(2)), within(1e-4));
    assertThat(two.skipped()).isZero();
  }

  @Test
  void confidenceChangeOfAConstantMapIsDefined() {
    // a constant map min-max normalises to zeros: the masked input is all zeros, z0 = 0
    NDArray x = TestModels.images(manager, ONES);
    NDArray constant = TestModels.maps(manager, Pixels.filled(0.4f));
    MetricResult d = run("confidence-drop", x, constant, Map.of());
    assertThat(d.value()).isCloseTo(100 * (sigmoid(4) - 0.5), within(1e-4));
    assertThat(run("confidence-increase", x, constant, Map.of()).value()).isEqualTo(0.0);
    // and ROAD on a constant map (ties in index order) stays finite
    assertThat(run("road", TestModels.images(manager, R), constant, Map.of()).value()).isFinite();
    assertThat(run("insertion", x, constant, Map.of("steps", 4)).value()).isFinite();
  }

  @Test
  void confidenceDropImageTextByHand() {
    // image embedding e = (sum over R, pixel 15); the paired text embedding is (1, 0)
    float[] b = new float[16];
    b[15] = 1;
    try (BlockModel image = TestModels.embedding(manager, R, b)) {
      NDArray x = TestModels.images(manager, ONES);
      Target cos =
          Target.cosineSimilarity(
              manager.create(new float[] {1, 0}, new ai.djl.ndarray.types.Shape(1, 2)));
      // e = (4, 1), s = 4/sqrt(17). Masked by R: e' = (4, 0), s' = 1: an increase, no drop
      assertThat(
              run("confidence-increase", image, cos, x, TestModels.maps(manager, R), Map.of())
                  .value())
          .isEqualTo(100.0);
      assertThat(
              run("confidence-drop", image, cos, x, TestModels.maps(manager, R), Map.of()).value())
          .isEqualTo(0.0);
      // masked by the complement: e' = (0, 1), s' = 0: drop = 100 * 4/sqrt(17)
      float[] rest = new float[16];
      for (int p = 0; p < 16; p++) {
        rest[p] = 1 - R[p];
      }
      MetricResult d =
          run("confidence-drop", image, cos, x, TestModels.maps(manager, rest), Map.of());
      assertThat(d.value()).isCloseTo(100 * 4 / Math.sqrt(17), within(1e-4));
      assertThat(d.extras().get("score")[0]).isCloseTo(4 / Math.sqrt(17), within(1e-6));
    }
  }

  @Test
  void confidenceDropTextSideByHand() {
    // token table: id0 (SOT) (1,1), id1 (1,0), id2 (0,1), id3 (1,1), id4 (EOT, largest id) (2,0)
    float[][] table = {{1, 1}, {1, 0}, {0, 1}, {1, 1}, {2, 0}};
    try (BlockModel text = TestModels.tokenSum(manager, table)) {
      NDArray ids = manager.create(new long[] {0, 1, 2, 4}, new ai.djl.ndarray.types.Shape(1, 4));
      Target cos =
          Target.cosineSimilarity(
              manager.create(new float[] {1, 0}, new ai.djl.ndarray.types.Shape(1, 2)));
      // e = (4, 2): s = 4/sqrt(20)
      double s = 4 / Math.sqrt(20);
      Map<String, Object> o = Map.of("modality", "text", "embedding-layer", "02Linear");
      // scores (0.9, 1, 0, 0.3): SOT and EOT stay, token 2 is scaled to 0: e' = (4, 1), s' =
      // 4/sqrt(17) > s
      NDArray up =
          manager.create(new float[] {0.9f, 1, 0, 0.3f}, new ai.djl.ndarray.types.Shape(1, 4));
      MetricResult inc = run("confidence-increase", text, cos, ids, up, o);
      assertThat(inc.value()).isEqualTo(100.0);
      assertThat(inc.extras().get("masked-score")[0]).isCloseTo(4 / Math.sqrt(17), within(1e-6));
      // scores (0, 0, 1, 0.5): token 1 goes to 0: e' = (3, 2), s' = 3/sqrt(13)
      NDArray down =
          manager.create(new float[] {0, 0, 1, 0.5f}, new ai.djl.ndarray.types.Shape(1, 4));
      assertThat(run("confidence-drop", text, cos, ids, down, o).value())
          .isCloseTo(100 * (s - 3 / Math.sqrt(13)), within(1e-4));
      // without the SOT/EOT exclusion every token is scaled: e' = (0,1)*1 + (2,0)*0.5 = (1, 1)
      Map<String, Object> all = new HashMap<>(o);
      all.put("exclude-start", false);
      all.put("exclude-end", false);
      assertThat(run("confidence-drop", text, cos, ids, down, all).value())
          .isCloseTo(100 * (s - 1 / Math.sqrt(2)), within(1e-4));
      assertThatThrownBy(
              () -> run("confidence-drop", text, cos, ids, down, Map.of("modality", "text")))
          .isInstanceOf(InvalidOptionException.class)
          .hasMessageContaining("embedding-layer");
    }
  }

  @Test
  void faithfulnessCorrelationOfTheExactContributionIsOne() {
    Random rnd = new Random(5);
    float[] w = new float[16];
    float[] img = new float[16];
    float[] contribution = new float[16];
    for (int p = 0; p < 16; p++) {
      w[p] = (float) rnd.nextGaussian();
      img[p] = 0.5f + rnd.nextFloat();
      contribution[p] = w[p] * img[p];
    }
    try (BlockModel lin = TestModels.weightedSum(manager, w)) {
      NDArray x = TestModels.images(manager, img);
      Map<String, Object> o =
          Map.of("runs", 30, "subset-size", 4, "score", "target", "internal-batch-size", 7);
      // the logit drop when S is zeroed is exactly sum_{p in S} w_p x_p: correlation 1
      double perfect = run("faithfulness-correlation", lin, x, contribution, o).value();
      assertThat(perfect).isCloseTo(1.0, within(1e-5));
      float[] negated = contribution.clone();
      for (int p = 0; p < 16; p++) {
        negated[p] = -negated[p];
      }
      assertThat(run("faithfulness-correlation", lin, x, negated, o).value())
          .isCloseTo(-1.0, within(1e-5));
      float[] noise = new float[16];
      for (int p = 0; p < 16; p++) {
        noise[p] = rnd.nextFloat();
      }
      assertThat(run("faithfulness-correlation", lin, x, noise, o).value()).isLessThan(0.9);
      assertThat(run("faithfulness-correlation", lin, x, Pixels.filled(1), o).value())
          .isEqualTo(0.0);
    }
  }

  @Test
  void roadGapOnABlob() {
    // a bright blob on R, zero elsewhere; logit = sum over R. MoRF with the perfect map removes the
    // blob first and imputes it from the dark surroundings; LeRF removes dark pixels first.
    NDArray x = TestModels.images(manager, R);
    Map<String, Object> o = Map.of("imputation-noise", 0.0, "score", "target");
    MetricResult good = run("road", x, perfect(), o);
    MetricResult bad = run("road", x, reversed(), o);
    assertThat(good.value()).isGreaterThan(0);
    assertThat(bad.value()).isLessThan(0);
    assertThat(good.extras().get("lerf")[0]).isGreaterThan(good.extras().get("morf")[0]);
    assertThat(good.extras().get("morf-curve")).hasSize(9);
    // fraction 0.25 removes exactly R: imputed from zeros only -> 0 (MoRF); LeRF removes 4
    // background pixels (15, 14, 13, 12 — the lowest values) whose neighbours are background zeros
    // or R... the 2x2 at the bottom-right touches no R pixel, so it is imputed as 0 and the logit
    // stays 4
    MetricResult quarter =
        run(
            "road",
            x,
            perfect(),
            Map.of("imputation-noise", 0.0, "score", "target", "fractions", "0.25"));
    assertThat(quarter.extras().get("morf")[0]).isCloseTo(0, within(1e-6));
    assertThat(quarter.extras().get("lerf")[0]).isCloseTo(4, within(1e-6));
    assertThat(quarter.value()).isCloseTo(4, within(1e-6));
  }

  @Test
  void roadOnAConstantImageIsZeroWhateverTheMap() {
    // imputation by neighbour means reproduces a constant image exactly: removing pixels
    // changes nothing
    float[] grey = Pixels.filled(0.3f);
    float[] noise = Pixels.uniform(1, 6)[0];
    MetricResult r =
        run(
            "road",
            TestModels.images(manager, grey),
            noise,
            Map.of("imputation-noise", 0.0, "score", "target"));
    assertThat(r.value()).isCloseTo(0, within(1e-5));
    assertThat(r.extras().get("morf")[0]).isCloseTo(4 * 0.3, within(1e-5));
    assertThatThrownBy(
            () ->
                run(
                    "road",
                    TestModels.images(manager, grey),
                    noise,
                    Map.of("fractions", "0.5,1.0")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("(0,1)");
  }

  @Test
  void runsOnTheTorchScriptParityCnn() throws Exception {
    try (NDManager m = NDManager.newBaseManager();
        TorchScriptModel cnn =
            TorchScriptModel.load(
                TestResources.path("parity/plain/model.pt"), Device.cpu(), List.of("conv3"))) {
      NDArray x = TestResources.npy(m, "parity/plain/x.npy");
      NDArray sal = TestAttributors.gradient().attribute(cnn, x, Target.predicted()).values();
      Map<String, Object> o = new HashMap<>(Map.of("steps", 16));
      MetricResult a = run("deletion", cnn, Target.predicted(), x, sal, o);
      o.put("internal-batch-size", 5);
      MetricResult b = run("deletion", cnn, Target.predicted(), x, sal, o);
      assertThat(a.perSample()).hasSize(4).containsExactly(b.perSample(), within(1e-5));
      assertThat(a.value()).isBetween(0.0, 1.0);
      MetricResult ins = run("insertion", cnn, Target.predicted(), x, sal, Map.of("steps", 16));
      assertThat(ins.value()).isBetween(0.0, 1.0);
    }
  }
}
