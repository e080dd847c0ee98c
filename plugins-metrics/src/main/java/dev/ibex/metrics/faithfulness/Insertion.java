package dev.ibex.metrics.faithfulness;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;
import dev.ibex.api.options.OptionSchema;

/**
 * Insertion (Petsiuk et al., RISE, BMVC 2018): starting from a blurred copy of the image, the most
 * relevant pixels are revealed first; the score is the area under the target-probability curve. See
 * {@link PixelCurve} for the protocol. Higher is better.
 */
@AutoService(Metric.class)
public final class Insertion extends PixelCurve {
  private static final OptionSchema OPTIONS = schema("blur");

  public Insertion() {
    super(
        "insertion",
        "AUC of the target score as the most relevant pixels are revealed (RISE, Petsiuk et al. 2018)",
        Direction.HIGHER_IS_BETTER,
        OPTIONS);
  }

  @Override
  protected boolean inserts() {
    return true;
  }
}
