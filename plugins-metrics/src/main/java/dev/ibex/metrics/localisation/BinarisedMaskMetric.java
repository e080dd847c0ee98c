package dev.ibex.metrics.localisation;

import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.SpatialMaps;

/**
 * The base of the localisation metrics of the binarised map (see {@link Binarisation}, whose
 * threshold options they take): each sample is scored on the confusion of its predicted region with
 * its mask.
 */
abstract class BinarisedMaskMetric extends MaskMetric {

  BinarisedMaskMetric(String name, String description) {
    super(name, description, Binarisation.OPTIONS);
  }

  @Override
  protected final double score(double[] map, boolean[] mask, SpatialMaps maps, MetricContext ctx) {
    return score(Binarisation.confusion(map, mask, ctx.options()));
  }

  /**
   * Scores one sample with a non-empty mask.
   *
   * @param c its binarised map against its mask
   * @return the score
   */
  protected abstract double score(Confusion c);
}
