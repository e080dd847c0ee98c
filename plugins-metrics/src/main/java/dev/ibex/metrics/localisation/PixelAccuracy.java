package dev.ibex.metrics.localisation;

import com.google.auto.service.AutoService;
import dev.ibex.api.Metric;

/**
 * Pixel accuracy as S-IB (Shu et al. 2025, Table 4) uses it: the share of pixels where the
 * binarised map (see {@link Binarisation}: min-max normalised, above its mean by default) agrees
 * with the ground-truth mask, {@code (TP + TN) / (H·W)}. Higher is better; empty masks are skipped.
 */
@AutoService(Metric.class)
public final class PixelAccuracy extends BinarisedMaskMetric {
  public PixelAccuracy() {
    super(
        "pixel-accuracy",
        "Share of pixels where the binarised map agrees with the mask (S-IB Table 4)");
  }

  @Override
  protected double score(Confusion c) {
    return (double) (c.tp() + c.tn()) / c.pixels();
  }
}
