package dev.ibex.metrics.localisation;

import com.google.auto.service.AutoService;
import dev.ibex.api.Metric;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.SpatialMaps;
import dev.ibex.metrics.core.Ranking;

/**
 * Mean average precision as S-IB (Shu et al. 2025, Table 4) uses it: per sample, the map's values
 * rank the pixels as a detector of the mask, and the area under the precision-recall curve is taken
 * over every threshold (each distinct map value) as the step sum {@code AP = Σ_k (R_k − R_{k−1})
 * P_k} — the definition of {@code sklearn.metrics.average_precision_score}, no interpolation. Tied
 * values form one threshold, so a constant map scores {@code |M| / (H·W)}. The mean over samples is
 * the mAP. Higher is better; empty masks are skipped.
 */
@AutoService(Metric.class)
public final class MeanAveragePrecision extends MaskMetric {
  private static final OptionSchema OPTIONS = OptionSchema.of(StandardOptions.CHANNEL_REDUCTION);

  public MeanAveragePrecision() {
    super(
        "map",
        "Area under the pixel precision-recall curve of the map against the mask, averaged (S-IB Table 4)",
        OPTIONS);
  }

  @Override
  protected double score(double[] map, boolean[] mask, SpatialMaps maps, MetricContext ctx) {
    int[] order = Ranking.descending(map);
    int positives = 0;
    for (boolean b : mask) {
      positives += b ? 1 : 0;
    }
    double ap = 0;
    double prevRecall = 0;
    int tp = 0;
    int seen = 0;
    int i = 0;
    while (i < order.length) {
      double v = map[order[i]];
      while (i < order.length && map[order[i]] == v) {
        tp += mask[order[i]] ? 1 : 0;
        seen++;
        i++;
      }
      double recall = (double) tp / positives;
      ap += (recall - prevRecall) * tp / seen;
      prevRecall = recall;
    }
    return ap;
  }
}
