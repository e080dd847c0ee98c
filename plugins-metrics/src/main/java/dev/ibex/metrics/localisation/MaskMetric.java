package dev.ibex.metrics.localisation;

import dev.ibex.api.Direction;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.spi.AbstractMetric;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.Scores;
import dev.ibex.api.spi.SpatialMaps;
import dev.ibex.metrics.core.Masks;

/**
 * The base of the localisation metrics: one map per sample compared with its binary ground-truth
 * mask. A sample whose mask is empty is skipped (NaN, counted in {@code skipped}) and never scored
 * — scoring it is the Quantus bug that counts an empty-mask pointing game as a hit. Each sample is
 * scored on its own map and mask: sizes come from the map (H·W), never from the batch axis.
 */
abstract class MaskMetric extends AbstractMetric {

  MaskMetric(String name, String description, OptionSchema options) {
    super(name, description, Direction.HIGHER_IS_BETTER, MAPS_AND_MASKS, options);
  }

  @Override
  protected final Scores compute(MetricContext ctx) {
    SpatialMaps maps = ctx.maps();
    boolean[][] masks = Masks.of(ctx.masks(), maps);
    double[] out = new double[maps.samples()];
    for (int i = 0; i < maps.samples(); i++) {
      out[i] =
          Masks.count(masks[i]) == 0 ? Double.NaN : score(maps.values()[i], masks[i], maps, ctx);
    }
    return Scores.perSample(out);
  }

  /**
   * Scores one sample with a non-empty mask.
   *
   * @param map the sample's map (H·W, row-major)
   * @param mask its mask
   * @param maps the batch (for H and W)
   * @param ctx the call (for options)
   * @return the score
   */
  protected abstract double score(
      double[] map, boolean[] mask, SpatialMaps maps, MetricContext ctx);
}
