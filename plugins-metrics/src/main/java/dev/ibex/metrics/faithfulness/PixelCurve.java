package dev.ibex.metrics.faithfulness;

import dev.ibex.api.Direction;
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
import dev.ibex.metrics.core.Ranking;
import dev.ibex.metrics.core.Stats;

/**
 * The RISE causal metrics (Petsiuk et al., "RISE: Randomized Input Sampling for Explanation of
 * Black-box Models", BMVC 2018, §4.1): pixels are moved from one image to another in the order of
 * the map (most relevant first; ties in row-major order), in {@code steps} equal increments — point
 * k moves {@code round(k·H·W/steps)} pixels, all channels — and the target score is read at every
 * point, endpoints included. The score is the area under that curve over [0, 1] by the trapezoid
 * rule. All {@code N·(steps+1)} images go through the model {@code batch-size} rows at a time. When
 * {@code steps} divides H·W this is RISE's {@code CausalMetric} with {@code step = H·W/steps}
 * pixels per step (RISE used 224 at 224x224, i.e. {@code steps = 224}); the blur is RISE's {@code
 * gkern(11, 5)}. Agreement with the authors' code is tested to 1e-7. The class of a class target is
 * resolved on the original input (RISE: the predicted class). Extras: {@code curve}, the mean curve
 * over samples.
 */
abstract class PixelCurve extends ImageMetric {

  PixelCurve(String name, String description, Direction direction, OptionSchema options) {
    super(name, description, direction, MODEL_SCORED, options);
  }

  /**
   * @param defaultBaseline the protocol's baseline: blur for insertion, zeros for deletion
   */
  static OptionSchema schema(String defaultBaseline) {
    return OptionSchema.of(
        OptionSpec.integer("steps", 100, "number of increments; the curve has steps+1 points")
            .withRange(1, 1_000_000),
        StandardOptions.BASELINE
            .withDefault(defaultBaseline)
            .withDoc(
                "what a removed pixel becomes: zeros, blur (RISE's Gaussian blur of the image) or a constant"),
        OptionSpec.integer("blur-kernel", 11, "side of RISE's Gaussian kernel gkern (odd)")
            .withRange(1, 1001),
        OptionSpec.real("blur-sigma", 5, "standard deviation of the Gaussian, in pixels")
            .withRange(1e-3, 1e4),
        StandardOptions.SCORE,
        StandardOptions.INTERNAL_BATCH_SIZE.withDefault(32),
        StandardOptions.CHANNEL_REDUCTION);
  }

  /**
   * @return true for insertion (start from the baseline, reveal pixels), false for deletion
   */
  protected abstract boolean inserts();

  @Override
  protected final Scores compute(MetricContext ctx, ImageBatch x, SpatialMaps maps) {
    Options o = ctx.options();
    if (o.getInt("blur-kernel") % 2 == 0) {
      throw new dev.ibex.api.InvalidOptionException(
          "blur-kernel must be odd, got " + o.getInt("blur-kernel"));
    }
    int steps = o.getInt("steps");
    int n = x.samples();
    int area = x.area();
    int[][] rankOf = new int[n][area];
    float[][] baseline = new float[n][];
    for (int i = 0; i < n; i++) {
      int[] order = Ranking.descending(maps.values()[i]);
      for (int r = 0; r < area; r++) {
        rankOf[i][order[r]] = r;
      }
      baseline[i] =
          "blur".equals(o.get("baseline").orElseThrow())
              ? Baselines.blur(x, i, o.getInt("blur-kernel"), o.getDouble("blur-sigma"))
              : Baselines.constant(
                  x, Baselines.constantOf(o.get("baseline").orElseThrow(), ctx.metric()));
    }
    int points = steps + 1;
    double[][] curves =
        Perturbations.score(
            ModelScorer.of(ctx),
            x,
            points,
            (i, k) -> {
              int moved = (int) Math.round((double) k * area / steps);
              float[] front = inserts() ? x.pixels()[i] : baseline[i];
              float[] back = inserts() ? baseline[i] : x.pixels()[i];
              float[] row = new float[x.rowSize()];
              for (int c = 0; c < x.channels(); c++) {
                for (int p = 0; p < area; p++) {
                  int e = c * area + p;
                  row[e] = rankOf[i][p] < moved ? front[e] : back[e];
                }
              }
              return row;
            });
    double[] auc = new double[n];
    double[] mean = new double[points];
    for (int i = 0; i < n; i++) {
      auc[i] = Stats.trapezoid(curves[i]);
      for (int k = 0; k < points; k++) {
        mean[k] += curves[i][k] / n;
      }
    }
    return Scores.perSample(auc).extra("curve", mean);
  }
}
