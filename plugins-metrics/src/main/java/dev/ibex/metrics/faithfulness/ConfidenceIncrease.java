package dev.ibex.metrics.faithfulness;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;

/**
 * Confidence Increase (Chattopadhay et al. 2018; pytorch-grad-cam {@code IncreaseInConfidence}; NIB
 * Table 2): the percentage of samples whose masked score s' exceeds the original score s, {@code
 * 100 · 1[s' > s]} per sample (see {@link ConfidenceChange}). Higher is better.
 */
@AutoService(Metric.class)
public final class ConfidenceIncrease extends ConfidenceChange {

  public ConfidenceIncrease() {
    super(
        "confidence-increase",
        "Percentage of samples whose score rises when the input is masked by its map (Grad-CAM++, pytorch-grad-cam, NIB)",
        Direction.HIGHER_IS_BETTER);
  }

  @Override
  protected double change(double s, double masked) {
    return masked > s ? 100 : 0;
  }
}
