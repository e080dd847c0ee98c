package dev.ibex.metrics.information;

import dev.ibex.api.Direction;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.spi.AbstractMetric;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.Scores;

/**
 * One of the four dependence terms of S-IB Fig. 5 (Shu et al. 2025, §4.5): the normalised HSIC (by
 * default; raw with {@code statistic=hsic}) between a region of the inputs and a region of the
 * attributions over the batch — within-region {@code I(X_fg; R_fg)}, {@code I(X_bg; R_bg)} (large
 * is expected) and cross-region {@code I(X_fg; R_bg)}, {@code I(X_bg; R_fg)} (near zero is
 * expected). A batch-level metric; at least 2 samples.
 */
abstract class RegionDependence extends AbstractMetric {
  private static final OptionSchema OPTIONS = OptionSchema.of(Regions.statistic("cka"));

  RegionDependence(String name, String description, Direction direction) {
    super(name, description, direction, Regions.NEEDS, OPTIONS);
  }

  /**
   * @return whether the input region is the foreground
   */
  protected abstract boolean inputForeground();

  /**
   * @return whether the attribution region is the foreground
   */
  protected abstract boolean attributionForeground();

  @Override
  protected final Scores compute(MetricContext ctx) {
    Regions r = Regions.of(ctx);
    double[][] x = inputForeground() ? r.xFg : r.xBg;
    double[][] a = attributionForeground() ? r.rFg : r.rBg;
    return Scores.batch(Regions.dependence(ctx, a, x));
  }
}
