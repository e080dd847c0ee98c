package dev.ibex.metrics.faithfulness;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Metric;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.ImageBatch;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.ModelScorer;
import dev.ibex.api.spi.Scores;
import dev.ibex.api.spi.SpatialMaps;
import dev.ibex.metrics.core.ImageMetric;
import dev.ibex.metrics.core.SampleRandom;
import dev.ibex.metrics.core.Stats;
import java.util.Random;

/**
 * Faithfulness correlation (Bhatt et al., "Evaluating and Aggregating Feature-based Model
 * Explanations", IJCAI 2020, eq. 3): for {@code runs} random subsets S of {@code subset-size}
 * pixels (all channels), the Pearson correlation between the attribution of the subset, {@code
 * Σ_{p∈S} m_p}, and the score drop when the subset is set to a baseline, {@code s(x) − s(x_S)}. The
 * draws of sample i depend on {@code seed} and i only. A constant map (no variation in subset sums)
 * scores 0, never NaN. All {@code N·runs} perturbed images go through the model in batches. Higher
 * is better.
 */
@AutoService(Metric.class)
public final class FaithfulnessCorrelation extends ImageMetric {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.integer("runs", 100, "random subsets per sample").withRange(2, 1_000_000),
          OptionSpec.integer("subset-size", 224, "pixels per subset (at most H*W)").withMin(1),
          StandardOptions.BASELINE.withDoc(
              "what the subset's pixels are set to: zeros or a constant"),
          StandardOptions.SEED,
          StandardOptions.SCORE,
          StandardOptions.INTERNAL_BATCH_SIZE.withDefault(32),
          StandardOptions.CHANNEL_REDUCTION);

  public FaithfulnessCorrelation() {
    super(
        "faithfulness-correlation",
        "Correlation of subset attribution sums with the score drop when the subset is removed (Bhatt et al. 2020)",
        Direction.HIGHER_IS_BETTER,
        MODEL_SCORED,
        OPTIONS);
  }

  @Override
  protected Scores compute(MetricContext ctx, ImageBatch x, SpatialMaps maps) {
    Options o = ctx.options();
    int runs = o.getInt("runs");
    int size = o.getInt("subset-size");
    if (size > x.area()) {
      throw new InvalidInputException(
          ctx.metric()
              + ": subset-size "
              + size
              + " exceeds the "
              + x.area()
              + " pixels of an image");
    }
    int n = x.samples();
    int[][][] subsets = new int[n][runs][];
    double[][] sums = new double[n][runs];
    for (int i = 0; i < n; i++) {
      Random rnd = SampleRandom.of(o.getInt("seed"), x.pixels()[i]);
      for (int r = 0; r < runs; r++) {
        subsets[i][r] = Sampling.choose(rnd, x.area(), size);
        for (int p : subsets[i][r]) {
          sums[i][r] += maps.values()[i][p];
        }
      }
    }
    float base = (float) Baselines.constantOf(o.get("baseline").orElseThrow(), ctx.metric());
    ModelScorer scorer = ModelScorer.of(ctx);
    double[] s0 = scorer.original();
    double[][] s =
        Perturbations.score(
            scorer,
            x,
            runs,
            (i, r) -> {
              float[] row = x.pixels()[i].clone();
              for (int p : subsets[i][r]) {
                for (int c = 0; c < x.channels(); c++) {
                  row[c * x.area() + p] = base;
                }
              }
              return row;
            });
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double[] drop = new double[runs];
      for (int r = 0; r < runs; r++) {
        drop[r] = s0[i] - s[i][r];
      }
      out[i] = Stats.pearson(sums[i], drop);
    }
    return Scores.perSample(out);
  }
}
