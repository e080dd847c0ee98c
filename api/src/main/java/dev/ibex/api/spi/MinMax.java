package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Per-sample min-max scaling of maps to [0, 1], {@code (m − min) / (max − min + eps)}, over all
 * axes but the first. The epsilons of the libraries ibex matches differ (pytorch-grad-cam's CAM
 * scaling 1e-7, its Score-CAM masks 1e-8), so the caller names it; with {@code eps = 0} a constant
 * map becomes all zeros rather than NaN (the NIB/M2IB authors' plain min-max).
 */
public final class MinMax {
  private MinMax() {}

  /**
   * @param maps (N, …) maps
   * @param eps added to each map's range; 0 for the plain form, constant maps then give zeros
   * @return the scaled maps, same shape
   */
  public static NDArray perSample(NDArray maps, double eps) {
    Shape s = maps.getShape();
    NDArray flat = maps.reshape(s.get(0), -1);
    NDArray shifted = flat.sub(flat.min(new int[] {1}, true));
    NDArray range = shifted.max(new int[] {1}, true);
    NDArray denominator =
        eps > 0
            ? range.add(eps)
            : range.add(range.eq(0).toType(range.getDataType(), false)); // 0/1 for a constant map
    return shifted.div(denominator).reshape(s);
  }
}
