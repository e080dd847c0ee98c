package dev.ibex.metrics.information;

import com.google.auto.service.AutoService;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;

/**
 * S-IB Fig. 5 dependence term I(X_fg; R_fg), within the foreground (large is expected): see {@link RegionDependence}. Higher is better.
 */
@AutoService(Metric.class)
public final class ForegroundDependence extends RegionDependence {

  @Override
  public String name() {
    return "dependence-fg";
  }

  @Override
  public String description() {
    return "Normalised HSIC I(X_fg; R_fg), within the foreground (large is expected) (S-IB Fig. 5)";
  }

  @Override
  public Direction direction() {
    return Direction.HIGHER_IS_BETTER;
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
