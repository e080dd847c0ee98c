package dev.ibex.metrics.localisation;

import com.google.auto.service.AutoService;
import dev.ibex.api.Metric;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.SpatialMaps;
import java.util.List;

/**
 * Pointing game (Zhang et al., "Top-down Neural Attention by Excitation Backprop", ECCV 2016): a
 * hit (1) if the map's maximum lies in the mask, or within {@code tolerance} pixels (Euclidean) of
 * it (the paper uses 15), else a miss (0); the mean is the accuracy. Ties at the maximum are
 * explicit ({@code ties}): by default every tied maximum must be a hit, so an ambiguous map cannot
 * claim one. An empty mask is skipped and counted, never a hit (the Quantus bug). Higher is better.
 */
@AutoService(Metric.class)
public final class PointingGame extends MaskMetric {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          StandardOptions.CHANNEL_REDUCTION,
          OptionSpec.real("tolerance", 0, "a maximum within this many pixels of the mask is a hit")
              .withMin(0),
          OptionSpec.choice(
              "ties",
              "all",
              List.of("all", "any", "first"),
              "with several maxima: all must hit, any may hit, or the first in row-major order decides"));

  public PointingGame() {
    super(
        "pointing-game",
        "Hit if the map's maximum lies in the mask (Zhang et al. 2016); empty masks are skipped",
        OPTIONS);
  }

  @Override
  protected double score(double[] map, boolean[] mask, SpatialMaps maps, MetricContext ctx) {
    double tol = ctx.options().getDouble("tolerance");
    String ties = ctx.options().getString("ties");
    double max = Double.NEGATIVE_INFINITY;
    for (double v : map) {
      max = Math.max(max, v);
    }
    boolean all = true;
    boolean any = false;
    for (int p = 0; p < map.length; p++) {
      if (map[p] != max) {
        continue;
      }
      boolean hit = hit(p, mask, maps.height(), maps.width(), tol);
      if (ties.equals("first")) {
        return hit ? 1 : 0;
      }
      all &= hit;
      any |= hit;
    }
    return (ties.equals("all") ? all : any) ? 1 : 0;
  }

  private static boolean hit(int p, boolean[] mask, int h, int w, double tol) {
    if (mask[p]) {
      return true;
    }
    int r = (int) Math.floor(tol);
    int y0 = p / w;
    int x0 = p % w;
    for (int y = Math.max(0, y0 - r); y <= Math.min(h - 1, y0 + r); y++) {
      for (int x = Math.max(0, x0 - r); x <= Math.min(w - 1, x0 + r); x++) {
        double dy = y - y0;
        double dx = x - x0;
        if (mask[y * w + x] && dy * dy + dx * dx <= tol * tol) {
          return true;
        }
      }
    }
    return false;
  }
}
