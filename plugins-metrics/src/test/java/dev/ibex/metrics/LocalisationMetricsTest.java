package dev.ibex.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Metric;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Localisation metrics on 4x4 maps worked out by hand. The mask M is the top-left 2x2 block (pixels
 * 0, 1, 4, 5). Map A (row-major):
 *
 * <pre>
 *   0.9 0.8 0.1 0.0
 *   0.7 0.6 0.2 0.1
 *   0.3 0.2 0.5 0.0
 *   0.1 0.0 0.0 0.4      sum 4.9, mean 0.30625, max 0.9 at (0,0)
 * </pre>
 *
 * Binarised above its mean (min-max does not move the order: min is 0): 0.9, 0.8, 0.7, 0.6, 0.5,
 * 0.4 are predicted, i.e. the 4 mask pixels plus (2,2) and (3,3): TP 4, FP 2, FN 0, TN 10, so pixel
 * accuracy 14/16 and IoU 4/6. Map B has ties:
 *
 * <pre>
 *   0.5 0.5 0.2 0.0
 *   0.5 0.1 0.2 0.0
 *   0.0 0.3 0.3 0.0
 *   0.0 0.0 0.0 0.1
 * </pre>
 *
 * AP of B: threshold 0.5 takes 3 pixels, all in M (P 1, R 3/4); 0.3 and 0.2 add 4 misses; 0.1 adds
 * (1,1) in M and (3,3): P 4/9 at R 1. AP = 3/4·1 + 1/4·4/9 = 0.861111 (sklearn's
 * average_precision_score gives 0.8611111111111112 for these arrays).
 */
class LocalisationMetricsTest extends ManagerFixture {
  static final float[] MASK = {1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  static final float[] EMPTY = new float[16];
  static final float[] A = {
    0.9f, 0.8f, 0.1f, 0, 0.7f, 0.6f, 0.2f, 0.1f, 0.3f, 0.2f, 0.5f, 0, 0.1f, 0, 0, 0.4f
  };
  static final float[] B = {
    0.5f, 0.5f, 0.2f, 0, 0.5f, 0.1f, 0.2f, 0, 0, 0.3f, 0.3f, 0, 0, 0, 0, 0.1f
  };
  static final float[] CONSTANT = Pixels.filled(0.7f);

  static MetricResult run(String metric, Map<String, ?> options, float[][] maps, float[][] masks) {
    MetricInput in =
        MetricInput.builder()
            .attributions(TestModels.maps(manager, maps))
            .masks(TestModels.maps(manager, masks))
            .build();
    return MetricsUnderTest.evaluate(metric, in, options);
  }

  static double one(String metric, Map<String, ?> options, float[] map, float[] mask) {
    return run(metric, options, new float[][] {map}, new float[][] {mask}).value();
  }

  @Test
  void pixelAccuracyAndIouByHand() {
    assertThat(one("pixel-accuracy", Map.of(), A, MASK)).isCloseTo(14 / 16.0, within(1e-12));
    assertThat(one("miou", Map.of(), A, MASK)).isCloseTo(4 / 6.0, within(1e-12));
    // quantile 0.8 of A/0.9 (numpy linear): sorted values
    // 0,0,0,0,.1,.1,.1,.2,.2,.3,.4,.5,.6,.7,.8,.9 (/0.9), position 0.8*15 = 12 -> 0.6/0.9; strictly
    // above: 0.9, 0.8, 0.7 -> TP 3, FN 1, TN 12: accuracy 15/16, IoU 3/4
    Map<String, Object> q = Map.of("threshold", "quantile", "quantile", 0.8);
    assertThat(one("pixel-accuracy", q, A, MASK)).isCloseTo(15 / 16.0, within(1e-12));
    assertThat(one("miou", q, A, MASK)).isCloseTo(3 / 4.0, within(1e-12));
    // fixed value 0.85 on A/0.9: only 0.9 and 0.8 (0.889) are above -> IoU 2/4
    assertThat(one("miou", Map.of("threshold", "value", "value", 0.85), A, MASK))
        .isCloseTo(0.5, within(1e-12));
  }

  @Test
  void averagePrecisionMatchesSklearn() {
    assertThat(one("map", Map.of(), A, MASK)).isCloseTo(1.0, within(1e-12));
    assertThat(one("map", Map.of(), B, MASK)).isCloseTo(0.8611111111111112, within(1e-12));
    assertThat(one("map", Map.of(), CONSTANT, MASK)).isCloseTo(0.25, within(1e-12));
    // mAP is the mean over samples
    MetricResult r = run("map", Map.of(), new float[][] {A, B}, new float[][] {MASK, MASK});
    assertThat(r.value()).isCloseTo((1 + 0.8611111111111112) / 2, within(1e-12));
  }

  @Test
  void pointingGameByHandWithTolerance() {
    assertThat(one("pointing-game", Map.of(), A, MASK)).isEqualTo(1.0);
    float[] outside = A.clone();
    outside[10] = 1.0f; // max at (2,2): sqrt(2) from the mask corner (1,1)
    assertThat(one("pointing-game", Map.of(), outside, MASK)).isEqualTo(0.0);
    assertThat(one("pointing-game", Map.of("tolerance", 1.0), outside, MASK)).isEqualTo(0.0);
    assertThat(one("pointing-game", Map.of("tolerance", 1.5), outside, MASK)).isEqualTo(1.0);
  }

  @Test
  void pointingGameTiesAtTheArgmax() {
    // B: the three maxima (0.5) all lie in the mask
    assertThat(one("pointing-game", Map.of(), B, MASK)).isEqualTo(1.0);
    float[] split = A.clone();
    split[15] = 0.9f; // a second maximum at (3,3), outside
    assertThat(one("pointing-game", Map.of("ties", "all"), split, MASK)).isEqualTo(0.0);
    assertThat(one("pointing-game", Map.of("ties", "any"), split, MASK)).isEqualTo(1.0);
    assertThat(one("pointing-game", Map.of("ties", "first"), split, MASK)).isEqualTo(1.0);
    float[] late = A.clone();
    late[0] = 0.5f;
    late[1] = 0.9f;
    late[15] =
        0.9f; // maxima at (0,1) inside and (3,3) outside: the first in row-major order is inside
    assertThat(one("pointing-game", Map.of("ties", "first"), late, MASK)).isEqualTo(1.0);
    float[] early = A.clone();
    early[0] = 0.5f;
    early[2] = 0.9f;
    early[5] = 0.9f; // maxima at (0,2) outside and (1,1) inside: the first is outside
    assertThat(one("pointing-game", Map.of("ties", "first"), early, MASK)).isEqualTo(0.0);
    assertThat(one("pointing-game", Map.of("ties", "any"), early, MASK)).isEqualTo(1.0);
  }

  @Test
  void relevanceMassByHand() {
    // inside: 0.9 + 0.8 + 0.7 + 0.6 = 3.0 of 4.9
    assertThat(one("relevance-mass", Map.of(), A, MASK)).isCloseTo(3.0 / 4.9, within(1e-6));
    float[] signed = A.clone();
    signed[15] = -0.4f; // positive total 4.5, abs total 4.9, raw total 4.1
    assertThat(one("relevance-mass", Map.of(), signed, MASK)).isCloseTo(3.0 / 4.5, within(1e-6));
    assertThat(one("relevance-mass", Map.of("relevance", "abs"), signed, MASK))
        .isCloseTo(3.0 / 4.9, within(1e-6));
    assertThat(one("relevance-mass", Map.of("relevance", "raw"), signed, MASK))
        .isCloseTo(3.0 / 4.1, within(1e-6));
  }

  @Test
  void relevanceRankAndTopKByHand() {
    assertThat(one("relevance-rank", Map.of(), A, MASK)).isEqualTo(1.0);
    // B, K = 4: three 0.5s inside, then one of the two 0.3s (both outside)
    assertThat(one("relevance-rank", Map.of(), B, MASK)).isCloseTo(0.75, within(1e-12));
    assertThat(one("top-k-intersection", Map.of("k", 2), A, MASK)).isEqualTo(1.0);
    assertThat(one("top-k-intersection", Map.of("k", 6), A, MASK))
        .isCloseTo(4 / 6.0, within(1e-12));
    // B, k = 5: ties at the 5th value (0.1) are (1,1) inside and (3,3) outside; only the 0.5s, 0.3s
    // and 0.2s are above it: 3 + 2 + 2 = 7 > 5, so the 5th value is 0.3 and the top 5 are the 0.5s
    // and 0.3s
    assertThat(one("top-k-intersection", Map.of("k", 5), B, MASK))
        .isCloseTo(3 / 5.0, within(1e-12));
    // a tie straddling the cut: k = 4 on a map whose 4th to 5th values tie, one inside, one outside
    float[] t = {0.9f, 0.8f, 0, 0, 0.7f, 0.5f, 0.5f, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    // above 0.5: 3 inside; one slot left for two tied pixels, one of them inside: 3 + 1/2
    assertThat(one("top-k-intersection", Map.of("k", 4), t, MASK))
        .isCloseTo(3.5 / 4, within(1e-12));
    assertThatThrownBy(() -> one("top-k-intersection", Map.of("k", 17), A, MASK))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("k = 17");
  }

  @Test
  void constantMapGivesDefinedValuesNeverNaN() {
    assertThat(one("pixel-accuracy", Map.of(), CONSTANT, MASK)).isCloseTo(12 / 16.0, within(1e-12));
    assertThat(one("miou", Map.of(), CONSTANT, MASK)).isEqualTo(0.0);
    assertThat(one("pointing-game", Map.of(), CONSTANT, MASK)).isEqualTo(0.0);
    assertThat(one("pointing-game", Map.of("ties", "any"), CONSTANT, MASK)).isEqualTo(1.0);
    assertThat(one("relevance-mass", Map.of(), CONSTANT, MASK)).isCloseTo(0.25, within(1e-12));
    assertThat(one("relevance-rank", Map.of(), CONSTANT, MASK)).isCloseTo(0.25, within(1e-12));
    assertThat(one("top-k-intersection", Map.of("k", 8), CONSTANT, MASK))
        .isCloseTo(0.25, within(1e-12));
    assertThat(one("relevance-mass", Map.of(), new float[16], MASK)).isEqualTo(0.0);
  }

  @Test
  void emptyMaskIsSkippedAndCountedNeverAHit() {
    // Quantus bug 1: the pointing game scored an empty mask as a hit. Here it is skipped.
    for (String metric :
        new String[] {
          "pointing-game", "pixel-accuracy", "miou", "map", "relevance-mass", "relevance-rank"
        }) {
      MetricResult r = run(metric, Map.of(), new float[][] {A, A}, new float[][] {EMPTY, MASK});
      assertThat(r.skipped()).as(metric).isEqualTo(1);
      assertThat(r.perSample()[0]).as(metric).isNaN();
      assertThat(r.value()).as(metric).isEqualTo(r.perSample()[1]);
    }
    MetricResult pg = run("pointing-game", Map.of(), new float[][] {A}, new float[][] {EMPTY});
    assertThat(pg.value()).isNaN();
    assertThat(pg.skipped()).isEqualTo(1);
  }

  @Test
  void perSampleSizesComeFromTheSampleNotTheBatchAxis() {
    // Quantus bug 2: a per-sample size (|mask|, H*W) taken from the batch axis. A sample's score
    // must not depend on how many samples share its batch.
    float[] small = new float[16];
    small[0] = 1; // |mask| = 1
    for (String metric :
        new String[] {"relevance-rank", "pixel-accuracy", "map", "relevance-mass"}) {
      double alone = one(metric, Map.of(), B, small);
      MetricResult batch =
          run(metric, Map.of(), new float[][] {B, A, B}, new float[][] {small, MASK, small});
      assertThat(batch.perSample()[0]).as(metric).isCloseTo(alone, within(1e-12));
      assertThat(batch.perSample()[2]).as(metric).isCloseTo(alone, within(1e-12));
    }
    // relevance-rank of B with |mask| = 1 at (0,0): the top-1 is a 3-way tie at 0.5, one
    // inside: 1/3
    assertThat(one("relevance-rank", Map.of(), B, small)).isCloseTo(1 / 3.0, within(1e-12));
  }

  @Test
  void batchOfOneAndChannelReduction() {
    // (1, 3, 4, 4) attributions: channels summed by default
    float[] three = new float[48];
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < 16; p++) {
        three[c * 16 + p] = A[p] / 3;
      }
    }
    NDArray attr = manager.create(three, new ai.djl.ndarray.types.Shape(1, 3, 4, 4));
    Metric m = MetricsUnderTest.get("miou");
    MetricResult r =
        m.evaluate(
            MetricInput.builder().attributions(attr).masks(TestModels.maps(manager, MASK)).build());
    assertThat(r.perSample()).hasSize(1);
    assertThat(r.value()).isCloseTo(4 / 6.0, within(1e-6));
  }

  @Test
  void perfectMapBeatsNoise() {
    float[][] noise = Pixels.uniform(8, 1);
    float[][] masks = new float[8][];
    float[][] perfect = new float[8][];
    for (int i = 0; i < 8; i++) {
      masks[i] = MASK;
      perfect[i] = MASK;
    }
    for (String metric :
        new String[] {
          "pixel-accuracy", "miou", "map", "pointing-game", "relevance-mass", "relevance-rank"
        }) {
      double good = run(metric, Map.of(), perfect, masks).value();
      double bad = run(metric, Map.of(), noise, masks).value();
      assertThat(good).as(metric).isEqualTo(1.0);
      assertThat(bad).as(metric).isLessThan(good);
    }
    assertThat(run("top-k-intersection", Map.of("k", 4), perfect, masks).value())
        .isGreaterThan(run("top-k-intersection", Map.of("k", 4), noise, masks).value());
  }

  @Test
  void badMasksFailClearly() {
    float[] half = MASK.clone();
    half[0] = 0.5f;
    assertThatThrownBy(() -> one("miou", Map.of(), A, half))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("binary");
    Metric m = MetricsUnderTest.get("miou");
    assertThatThrownBy(
            () ->
                m.evaluate(MetricInput.builder().attributions(TestModels.maps(manager, A)).build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("ground-truth masks");
  }
}
