package dev.ibex.metrics.localisation;

import com.google.auto.service.AutoService;
import dev.ibex.api.Metric;

/**
 * Mean intersection over union as S-IB (Shu et al. 2025, Table 4) uses it: per sample the IoU of
 * the binarised map (see {@link Binarisation}) with the ground-truth foreground, {@code |P ∩ M| /
 * |P ∪ M|}, averaged over the samples. Higher is better; empty masks are skipped (the union is then
 * never empty).
 */
@AutoService(Metric.class)
public final class MeanIou extends BinarisedMaskMetric {
  public MeanIou() {
    super(
        "miou",
        "Intersection over union of the binarised map and the mask, averaged over samples (S-IB Table 4)");
  }

  @Override
  protected double score(Confusion c) {
    return (double) c.tp() / (c.tp() + c.fp() + c.fn());
  }
}
