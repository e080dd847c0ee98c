package dev.ibex.metrics.information;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;

/**
 * S-IB Fig. 5 dependence term I(X_fg; R_fg), within the foreground (large is expected): see {@link
 * RegionDependence}. Higher is better.
 */
@AutoService(Metric.class)
public final class ForegroundDependence extends RegionDependence {

  public ForegroundDependence() {
    super(
        "dependence-fg",
        "Normalised HSIC I(X_fg; R_fg), within the foreground (large is expected) (S-IB Fig. 5)",
        Direction.HIGHER_IS_BETTER);
  }

  @Override
  protected boolean inputForeground() {
    return true;
  }

  @Override
  protected boolean attributionForeground() {
    return true;
  }
}
