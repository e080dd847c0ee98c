package dev.ibex.metrics.faithfulness;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.InvalidOptionException;
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
import dev.ibex.metrics.core.Ranking;
import dev.ibex.metrics.core.SampleRandom;
import java.util.Arrays;
import java.util.Random;

/**
 * ROAD, RemOve And Debias (Rong et al., "A Consistent and Efficient Evaluation Strategy for
 * Attribution Methods", ICML 2022): for each fraction f in {@code fractions}, the {@code
 * round(f·H·W)} most relevant pixels (MoRF) or least relevant pixels (LeRF) are removed and filled
 * by {@link NoisyLinearImputer noisy linear imputation}, and the target score is read. MoRF should
 * fall fast (low mean score), LeRF stay high; the metric is the gap {@code mean(LeRF) − mean(MoRF)}
 * per sample. Extras: {@code morf} and {@code lerf} (per-sample mean scores) and {@code
 * morf-curve}, {@code lerf-curve} (mean over samples per fraction). Higher is better.
 */
@AutoService(Metric.class)
public final class Road extends ImageMetric {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.text(
              "fractions",
              "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9",
              "comma-separated fractions of pixels removed, each in (0,1)"),
          OptionSpec.real(
                  "imputation-noise",
                  0.01,
                  "standard deviation of the noise added to imputed pixels")
              .withMin(0),
          StandardOptions.SEED,
          StandardOptions.SCORE,
          StandardOptions.INTERNAL_BATCH_SIZE.withDefault(32),
          StandardOptions.CHANNEL_REDUCTION);

  static double[] fractions(String text) {
    double[] f;
    try {
      f =
          Arrays.stream(text.split(","))
              .map(String::trim)
              .mapToDouble(Double::parseDouble)
              .toArray();
    } catch (NumberFormatException e) {
      throw new InvalidOptionException(
          "option 'fractions' must be comma-separated numbers, got '" + text + "'");
    }
    for (double v : f) {
      if (!(v > 0 && v < 1)) {
        throw new InvalidOptionException("option 'fractions' must lie in (0,1), got " + v);
      }
    }
    return f;
  }

  public Road() {
    super(
        "road",
        "LeRF minus MoRF mean score under noisy linear imputation (ROAD, Rong et al. 2022)",
        Direction.HIGHER_IS_BETTER,
        MODEL_SCORED,
        OPTIONS);
  }

  @Override
  protected Scores compute(MetricContext ctx, ImageBatch x, SpatialMaps maps) {
    Options o = ctx.options();
    double[] fr = fractions(o.getString("fractions"));
    int n = x.samples();
    int area = x.area();
    int[][] order = new int[n][];
    for (int i = 0; i < n; i++) {
      order[i] = Ranking.descending(maps.values()[i]);
    }
    // per sample: the MoRF copies, one per fraction, then the LeRF copies
    double[][] s =
        Perturbations.score(
            ModelScorer.of(ctx),
            x,
            2 * fr.length,
            (i, j) -> {
              boolean morf = j < fr.length;
              int k = (int) Math.round(fr[j % fr.length] * area);
              boolean[] removed = new boolean[area];
              for (int q = 0; q < k; q++) {
                removed[morf ? order[i][q] : order[i][area - 1 - q]] = true;
              }
              Random rnd = SampleRandom.of(o.getInt("seed"), x.pixels()[i], j);
              return NoisyLinearImputer.impute(
                  x.pixels()[i],
                  x.channels(),
                  x.height(),
                  x.width(),
                  removed,
                  o.getDouble("imputation-noise"),
                  rnd);
            });
    double[] gap = new double[n];
    double[] morf = new double[n];
    double[] lerf = new double[n];
    double[] morfCurve = new double[fr.length];
    double[] lerfCurve = new double[fr.length];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < fr.length; j++) {
        double m = s[i][j];
        double l = s[i][fr.length + j];
        morf[i] += m / fr.length;
        lerf[i] += l / fr.length;
        morfCurve[j] += m / n;
        lerfCurve[j] += l / n;
      }
      gap[i] = lerf[i] - morf[i];
    }
    return Scores.perSample(gap)
        .extra("morf", morf)
        .extra("lerf", lerf)
        .extra("morf-curve", morfCurve)
        .extra("lerf-curve", lerfCurve);
  }
}
