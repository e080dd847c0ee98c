package dev.ibex.metrics.information;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.spi.AbstractMetric;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.Scores;

/**
 * Information differential (Shu et al., S-IB 2025, Table 3): {@code Δinfo = HSIC(R_fg, X_fg) −
 * HSIC(R_bg, X_bg)} over the batch, with R the attributions (the paper uses Guided Backprop maps),
 * X the inputs and fg/bg split by the ground-truth mask ({@link Regions}); HSIC with linear kernels
 * on L2-normalised rows ({@link dev.ibex.api.spi.Hsic}), raw by default as S-IB's regulariser
 * computes it, or normalised ({@code statistic=cka}). The paper then reports {@code
 * exp(z-score(Δinfo))} across models of one data set — a comparison of several runs that callers
 * make from these values. A batch-level metric (empty per-sample scores; at least 2 samples).
 * Extras: {@code fg}, {@code bg}, the two terms. Higher is better.
 */
@AutoService(Metric.class)
public final class InfoDifferential extends AbstractMetric {
  private static final OptionSchema OPTIONS = OptionSchema.of(Regions.statistic("hsic"));

  public InfoDifferential() {
    super(
        "info-differential",
        "HSIC(R_fg, X_fg) - HSIC(R_bg, X_bg) over the batch (S-IB Table 3)",
        Direction.HIGHER_IS_BETTER,
        Regions.NEEDS,
        OPTIONS);
  }

  @Override
  protected Scores compute(MetricContext ctx) {
    Regions r = Regions.of(ctx);
    double fg = Regions.dependence(ctx, r.rFg, r.xFg);
    double bg = Regions.dependence(ctx, r.rBg, r.xBg);
    return Scores.batch(fg - bg).extra("fg", new double[] {fg}).extra("bg", new double[] {bg});
  }
}
