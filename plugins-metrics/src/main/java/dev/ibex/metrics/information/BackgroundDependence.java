package dev.ibex.metrics.information;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;

/**
 * S-IB Fig. 5 dependence term I(X_bg; R_bg), within the background (large is expected): see {@link
 * RegionDependence}. Higher is better.
 */
@AutoService(Metric.class)
public final class BackgroundDependence extends RegionDependence {

  public BackgroundDependence() {
    super(
        "dependence-bg",
        "Normalised HSIC I(X_bg; R_bg), within the background (large is expected) (S-IB Fig. 5)",
        Direction.HIGHER_IS_BETTER);
  }

  @Override
  protected boolean inputForeground() {
    return false;
  }

  @Override
  protected boolean attributionForeground() {
    return false;
  }
}
