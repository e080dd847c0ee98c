package dev.ibex.metrics.core;

import dev.ibex.api.Direction;
import dev.ibex.api.MetricInput;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.spi.AbstractMetric;
import dev.ibex.api.spi.ImageBatch;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.Scores;
import dev.ibex.api.spi.SpatialMaps;
import java.util.Set;

/**
 * The base of the metrics that modify the input images themselves (occlusion, removal, filtering):
 * the input is read as an (N, C, H, W) image batch and the attributions as one map per image, of
 * the images' height and width (a mismatch fails with a message naming the metric).
 */
public abstract class ImageMetric extends AbstractMetric {

  /**
   * @param name unique kebab-case name
   * @param description one line saying what it measures
   * @param direction which way the score improves
   * @param needs the parts of a {@link MetricInput} it reads
   * @param options the options it accepts
   */
  protected ImageMetric(
      String name,
      String description,
      Direction direction,
      Set<MetricInput.Part> needs,
      OptionSchema options) {
    super(name, description, direction, needs, options);
  }

  @Override
  protected final Scores compute(MetricContext ctx) {
    ImageBatch x = ImageBatch.of(ctx.inputs());
    return compute(ctx, x, ctx.mapsFor(x));
  }

  /**
   * Computes the scores.
   *
   * @param ctx the call
   * @param x the input images
   * @param maps one map per image, of the images' height and width
   * @return per-sample scores and extras
   */
  protected abstract Scores compute(MetricContext ctx, ImageBatch x, SpatialMaps maps);
}
