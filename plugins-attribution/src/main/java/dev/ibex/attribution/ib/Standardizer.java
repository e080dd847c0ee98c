package dev.ibex.attribution.ib;

import ai.djl.ndarray.NDArray;

/**
 * Per-feature standardisation of a (N, T, D) activation with the mean and deviation over all its
 * tokens, for bottlenecks whose noise should match the activations' statistics (Schulz et al.).
 */
final class Standardizer {
  private final NDArray mean;
  private final NDArray std;

  private Standardizer(NDArray mean, NDArray std) {
    this.mean = mean;
    this.std = std;
  }

  static Standardizer fit(NDArray h) {
    NDArray flat = h.reshape(-1, h.getShape().get(h.getShape().dimension() - 1));
    NDArray mean = flat.mean(new int[] {0});
    NDArray std = flat.sub(mean).square().mean(new int[] {0}).sqrt().maximum(1e-6f);
    return new Standardizer(mean, std);
  }

  NDArray apply(NDArray h) {
    return h.sub(mean).div(std);
  }

  NDArray invert(NDArray z) {
    return z.mul(std).add(mean);
  }
}
