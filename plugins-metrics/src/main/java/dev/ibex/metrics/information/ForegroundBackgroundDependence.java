package dev.ibex.metrics.information;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;

/**
 * S-IB Fig. 5 dependence term I(X_fg; R_bg), foreground inputs against background attributions
 * (near zero is expected): see {@link RegionDependence}. Lower is better.
 */
@AutoService(Metric.class)
public final class ForegroundBackgroundDependence extends RegionDependence {

  public ForegroundBackgroundDependence() {
    super(
        "dependence-xfg-rbg",
        "Normalised HSIC I(X_fg; R_bg), foreground inputs against background attributions (near zero is expected) (S-IB Fig. 5)",
        Direction.LOWER_IS_BETTER);
  }

  @Override
  protected boolean inputForeground() {
    return true;
  }

  @Override
  protected boolean attributionForeground() {
    return false;
  }
}
