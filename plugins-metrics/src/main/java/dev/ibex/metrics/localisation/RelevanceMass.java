package dev.ibex.metrics.localisation;

import com.google.auto.service.AutoService;
import dev.ibex.api.Metric;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.SpatialMaps;
import java.util.List;

/**
 * Relevance mass accuracy (Arras et al., "CLEVR-XAI", Information Fusion 2022, eq. 2): the share of
 * the attribution that falls inside the mask, {@code R_in / R_total}. Arras et al. count positive
 * relevance only ({@code relevance = positive}, the default); {@code abs} counts magnitudes and
 * {@code raw} the signed sum. A map with no mass at all scores 0 (nothing to credit), never NaN.
 * Higher is better; empty masks are skipped.
 */
@AutoService(Metric.class)
public final class RelevanceMass extends MaskMetric {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          StandardOptions.CHANNEL_REDUCTION,
          OptionSpec.choice(
              "relevance",
              "positive",
              List.of("positive", "abs", "raw"),
              "which relevance counts: positive part (Arras et al.), magnitude, or signed values"));

  public RelevanceMass() {
    super(
        "relevance-mass", "Share of the attribution inside the mask (Arras et al. 2022)", OPTIONS);
  }

  @Override
  protected double score(double[] map, boolean[] mask, SpatialMaps maps, MetricContext ctx) {
    String mode = ctx.options().getString("relevance");
    double in = 0;
    double total = 0;
    for (int i = 0; i < map.length; i++) {
      double v =
          mode.equals("positive")
              ? Math.max(0, map[i])
              : mode.equals("abs") ? Math.abs(map[i]) : map[i];
      total += v;
      in += mask[i] ? v : 0;
    }
    return total == 0 ? 0 : in / total;
  }
}
