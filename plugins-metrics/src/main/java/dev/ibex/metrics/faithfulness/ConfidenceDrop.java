package dev.ibex.metrics.faithfulness;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;

/**
 * Confidence Drop as pytorch-grad-cam's {@code DropInConfidence} and NIB's Table 2 compute it:
 * {@code 100 · max(0, s − s')} per sample, averaged over all samples (zeros counted), where s'
 * scores the input softly masked by its map (see {@link ConfidenceChange}). Lower is better. This
 * is the absolute drop; Grad-CAM++'s "Average Drop" (Chattopadhay et al. 2018, §5.1) divides by s.
 */
@AutoService(Metric.class)
public final class ConfidenceDrop extends ConfidenceChange {

  public ConfidenceDrop() {
    super(
        "confidence-drop",
        "100*max(0, s - s') with s' the score of the input masked by its map (pytorch-grad-cam, NIB)",
        Direction.LOWER_IS_BETTER);
  }

  @Override
  protected double change(double s, double masked) {
    return 100 * Math.max(0, s - masked);
  }
}
