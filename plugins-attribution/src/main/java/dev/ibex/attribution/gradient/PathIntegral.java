package dev.ibex.attribution.gradient;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.attribution.core.Gradients;
import dev.ibex.attribution.core.SampleRows;

/** The batched quadrature of gradients along straight paths, shared by the path methods. */
final class PathIntegral {
  private PathIntegral() {}

  /**
   * {@code Σ_k w_k ∂F/∂x (start + α_k · direction)} for every sample, the {@code samples × nodes}
   * points laid out node-major and sent through the model {@code batch} rows at a time.
   *
   * @param model the model
   * @param start (N, …) path starts (the baselines)
   * @param direction (N, …) path directions (input − baseline)
   * @param alphas node positions
   * @param weights node weights
   * @param target resolved target
   * @param batch rows per forward/backward pass
   * @return (N, …) the weighted gradient sum, on start's manager
   */
  static NDArray weightedGradients(
      ExplainableModel model,
      NDArray start,
      NDArray direction,
      double[] alphas,
      double[] weights,
      ResolvedTarget target,
      int batch) {
    int n = (int) start.getShape().get(0);
    int rank = start.getShape().dimension();
    long total = (long) n * alphas.length;
    NDArray sum = start.zerosLike();
    for (long from = 0; from < total; from += batch) {
      int size = (int) Math.min(batch, total - from);
      int[] sampleOfRow = new int[size];
      float[] alpha = new float[size];
      float[] weight = new float[size];
      for (int r = 0; r < size; r++) {
        long row = from + r;
        int node = (int) (row / n);
        sampleOfRow[r] = (int) (row % n);
        alpha[r] = (float) alphas[node];
        weight[r] = (float) weights[node];
      }
      // each chunk's intermediates live and die in its own scope
      try (NDManager chunk = start.getManager().newSubManager()) {
        NDArray offsets = SampleRows.gather(direction, sampleOfRow, chunk);
        NDArray points =
            SampleRows.gather(start, sampleOfRow, chunk).add(offsets.mul(SampleRows.column(offsets, alpha, rank)));
        NDArray grad = Gradients.ofInput(model, points, target, null, sampleOfRow).gradient();
        sum.addi(SampleRows.weightedSum(grad, sampleOfRow, weight, n));
      }
    }
    return sum;
  }
}
