package dev.ibex.metrics.localisation;

import com.google.auto.service.AutoService;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Metric;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.SpatialMaps;
import dev.ibex.metrics.core.Ranking;

/**
 * Top-k intersection (Theiner et al., "Interpretable Semantic Photo Geolocation", WACV 2022; as in
 * Quantus): the share of the k most relevant pixels that lie inside the mask, {@code |top_k ∩ M| /
 * k}, with ties at the k-th value shared out evenly (see {@link Ranking#topKOverlap}). Higher is
 * better; empty masks are skipped.
 */
@AutoService(Metric.class)
public final class TopKIntersection extends MaskMetric {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          StandardOptions.CHANNEL_REDUCTION,
          OptionSpec.integer(
                  "k", 1000, "how many of the most relevant pixels to check (at most H*W)")
              .withMin(1));

  public TopKIntersection() {
    super(
        "top-k-intersection",
        "Share of the k most relevant pixels inside the mask (Theiner et al. 2022)",
        OPTIONS);
  }

  @Override
  protected double score(double[] map, boolean[] mask, SpatialMaps maps, MetricContext ctx) {
    int k = ctx.options().getInt("k");
    if (k > map.length) {
      throw new InvalidInputException(
          "top-k-intersection: k = " + k + " exceeds the " + map.length + " pixels of a map");
    }
    return Ranking.topKOverlap(map, mask, k) / k;
  }
}
