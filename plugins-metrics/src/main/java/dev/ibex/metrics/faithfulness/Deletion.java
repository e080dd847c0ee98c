package dev.ibex.metrics.faithfulness;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;
import dev.ibex.api.options.OptionSchema;

/**
 * Deletion (Petsiuk et al., RISE, BMVC 2018): the most relevant pixels are removed first (set to a
 * constant, 0 by default, as RISE's deletion substrate); the score is the area under the
 * target-probability curve. See {@link PixelCurve} for the protocol. Lower is better.
 */
@AutoService(Metric.class)
public final class Deletion extends PixelCurve {
  private static final OptionSchema OPTIONS = schema("zeros");

  public Deletion() {
    super(
        "deletion",
        "AUC of the target score as the most relevant pixels are removed (RISE, Petsiuk et al. 2018)",
        Direction.LOWER_IS_BETTER,
        OPTIONS);
  }

  @Override
  protected boolean inserts() {
    return false;
  }
}
