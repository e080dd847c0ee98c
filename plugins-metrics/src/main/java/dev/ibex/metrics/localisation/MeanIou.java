package dev.ibex.metrics.localisation;

import com.google.auto.service.AutoService;
import dev.ibex.api.Metric;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.SpatialMaps;

/**
 * Mean intersection over union as S-IB (Shu et al. 2025, Table 4) uses it: per sample the IoU of
 * the binarised map (see {@link Binarisation}) with the ground-truth foreground, {@code |P ∩ M| /
 * |P ∪ M|}, averaged over the samples. Higher is better; empty masks are skipped (the union is then
 * never empty).
 */
@AutoService(Metric.class)
public final class MeanIou extends MaskMetric {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          StandardOptions.CHANNEL_REDUCTION, Binarisation.THRESHOLD, Binarisation.QUANTILE, Binarisation.VALUE);

  public MeanIou() {
    super("miou",
        "Intersection over union of the binarised map and the mask, averaged over samples (S-IB Table 4)",
        OPTIONS);
  }

  @Override
  protected double score(double[] map, boolean[] mask, SpatialMaps maps, MetricContext ctx) {
    boolean[] pred = Binarisation.predict(map, ctx.options());
    int inter = 0;
    int union = 0;
    for (int i = 0; i < map.length; i++) {
      inter += pred[i] && mask[i] ? 1 : 0;
      union += pred[i] || mask[i] ? 1 : 0;
    }
    return (double) inter / union;
  }
}
