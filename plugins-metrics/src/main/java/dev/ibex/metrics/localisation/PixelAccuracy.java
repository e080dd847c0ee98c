package dev.ibex.metrics.localisation;

import com.google.auto.service.AutoService;
import dev.ibex.api.Metric;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.SpatialMaps;

/**
 * Pixel accuracy as S-IB (Shu et al. 2025, Table 4) uses it: the share of pixels where the
 * binarised map (see {@link Binarisation}: min-max normalised, above its mean by default) agrees
 * with the ground-truth mask, {@code (TP + TN) / (H·W)}. Higher is better; empty masks are skipped.
 */
@AutoService(Metric.class)
public final class PixelAccuracy extends MaskMetric {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          StandardOptions.CHANNEL_REDUCTION, Binarisation.THRESHOLD, Binarisation.QUANTILE, Binarisation.VALUE);

  public PixelAccuracy() {
    super("pixel-accuracy",
        "Share of pixels where the binarised map agrees with the mask (S-IB Table 4)",
        OPTIONS);
  }

  @Override
  protected double score(double[] map, boolean[] mask, SpatialMaps maps, MetricContext ctx) {
    boolean[] pred = Binarisation.predict(map, ctx.options());
    int agree = 0;
    for (int i = 0; i < map.length; i++) {
      agree += pred[i] == mask[i] ? 1 : 0;
    }
    return (double) agree / map.length;
  }
}
