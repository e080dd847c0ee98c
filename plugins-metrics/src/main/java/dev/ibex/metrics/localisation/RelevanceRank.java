package dev.ibex.metrics.localisation;

import com.google.auto.service.AutoService;
import dev.ibex.api.Metric;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.SpatialMaps;
import dev.ibex.metrics.core.Masks;
import dev.ibex.metrics.core.Ranking;

/**
 * Relevance rank accuracy (Arras et al., "CLEVR-XAI", Information Fusion 2022, eq. 3): with {@code
 * K = |mask|} of this sample, the share of the K most relevant pixels that lie inside the mask,
 * {@code |top_K ∩ M| / K}. Ties at the K-th value are shared out evenly (the expectation under a
 * random tie break, see {@link Ranking#topKOverlap}), so a constant map scores {@code K / (H·W)}.
 * Higher is better; empty masks are skipped.
 */
@AutoService(Metric.class)
public final class RelevanceRank extends MaskMetric {
  private static final OptionSchema OPTIONS = OptionSchema.of(StandardOptions.CHANNEL_REDUCTION);

  public RelevanceRank() {
    super(
        "relevance-rank",
        "Share of the top-|mask| pixels that lie in the mask (Arras et al. 2022)",
        OPTIONS);
  }

  @Override
  protected double score(double[] map, boolean[] mask, SpatialMaps maps, MetricContext ctx) {
    int k = Masks.count(mask);
    return Ranking.topKOverlap(map, mask, k) / k;
  }
}
