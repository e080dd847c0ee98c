package dev.ibex.attribution.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
/**
 * The batched quadrature of gradients along straight paths, shared by the path methods (integrated
 * gradients at the input, NIB at a layer): {@code Σ_k w_k ∇F(start + α_k · direction)} for every
 * sample, the {@code samples × nodes} points laid out node-major and sent through the model {@code
 * batch} rows at a time.
 */
public final class PathIntegral {
  private PathIntegral() {}

  /** The gradient of the target score at a batch of path points. */
  @FunctionalInterface
  public interface RowGradient {
    /**
     * @param points (rows, …) points on the paths
     * @param sampleOfRow the sample each row's path belongs to
     * @return (rows, …) gradients at the points
     */
    NDArray at(NDArray points, int[] sampleOfRow);
  }

  /**
   * The weighted sum of gradients along each sample's path.
   *
   * @param start (N, …) path starts (the baselines)
   * @param direction (N, …) path directions (end − start)
   * @param alphas node positions
   * @param weights node weights
   * @param gradient how to take the gradient at a batch of points (e.g. through {@link Gradients})
   * @param batch rows per forward/backward pass
   * @return (N, …) the weighted gradient sum, on start's manager
   */
  public static NDArray weightedGradients(
      NDArray start, NDArray direction, double[] alphas, double[] weights, RowGradient gradient, int batch) {
    int n = (int) start.getShape().get(0);
    int rank = start.getShape().dimension();
    long total = (long) n * alphas.length;
    NDArray sum = start.zerosLike();
    for (long from = 0; from < total; from += batch) {
      int size = (int) Math.min(batch, total - from);
      int[] sampleOfRow = new int[size];
      // doubles: the nodes and weights reach a float64 path unrounded
      double[] alpha = new double[size];
      double[] weight = new double[size];
      for (int r = 0; r < size; r++) {
        long row = from + r;
        int node = (int) (row / n);
        sampleOfRow[r] = (int) (row % n);
        alpha[r] = alphas[node];
        weight[r] = weights[node];
      }
      // each chunk's intermediates live and die in its own scope
      try (NDManager chunk = start.getManager().newSubManager()) {
        NDArray offsets = SampleRows.gather(direction, sampleOfRow, chunk);
        NDArray points =
            SampleRows.gather(start, sampleOfRow, chunk).add(offsets.mul(SampleRows.column(offsets, alpha, rank)));
        NDArray grad = gradient.at(points, sampleOfRow);
        sum.addi(SampleRows.weightedSum(grad, sampleOfRow, weight, n));
      }
    }
    return sum;
  }
}
