package dev.ibex.metrics.information;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;

/**
 * S-IB Fig. 5 dependence term I(X_bg; R_fg), background inputs against foreground attributions
 * (near zero is expected): see {@link RegionDependence}. Lower is better.
 */
@AutoService(Metric.class)
public final class BackgroundForegroundDependence extends RegionDependence {

  public BackgroundForegroundDependence() {
    super(
        "dependence-xbg-rfg",
        "Normalised HSIC I(X_bg; R_fg), background inputs against foreground attributions (near zero is expected) (S-IB Fig. 5)",
        Direction.LOWER_IS_BETTER);
  }

  @Override
  protected boolean inputForeground() {
    return false;
  }

  @Override
  protected boolean attributionForeground() {
    return true;
  }
}
