package dev.ibex.attribution.core;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.Chunks;
import dev.ibex.api.spi.Gradients;
import dev.ibex.api.spi.MemoryBudget;
import dev.ibex.api.spi.SampleRows;

/**
 * The batched quadrature of gradients along straight paths, shared by the path methods (integrated
 * gradients at the input, NIB at a layer): {@code Σ_k w_k ∇F(start + α_k · direction)} for every
 * sample, the {@code samples × nodes} points laid out node-major and sent through the model in
 * chunks of the rows a {@link MemoryBudget} allows.
 *
 * <p>The sum is taken node by node, {@code ((w_0 g_0 + w_1 g_1) + w_2 g_2) + …} for each sample,
 * whatever the chunks: the result does not depend on the chunk size (bit for bit where the model's
 * gradient of a row does not depend on the rows beside it).
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
   * The weighted sum of gradients along paths in a layer's activations: each point goes through the
   * rest of the model with the input rows it derives from (a text tower's EOT pooling, an attention
   * mask, the tensors crossing the split), its memory budget measured on copies of the first
   * sample.
   *
   * @param ctx the attribution call (model, options, scratch)
   * @param layer the split point
   * @param start (N, …) path starts, activations of that layer
   * @param direction (N, …) path directions
   * @param alphas node positions
   * @param weights node weights
   * @param input (N, …) the input rows the paths belong to
   * @param target the resolved target
   * @param what what the rows are, for the memory budget's messages
   * @return (N, …) the weighted gradient sum
   */
  public static NDArray atLayer(
      AttributionContext ctx,
      String layer,
      NDArray start,
      NDArray direction,
      double[] alphas,
      double[] weights,
      NDArray input,
      ResolvedTarget target,
      String what) {
    ExplainableModel model = ctx.model();
    return weightedGradients(
        start,
        direction,
        alphas,
        weights,
        (points, rows) ->
            Gradients.ofLayer(
                    model,
                    layer,
                    points,
                    SampleRows.gather(input, rows, points.getManager()),
                    target,
                    null,
                    rows)
                .gradient(),
        MemoryBudget.of(
            ctx,
            what,
            start,
            (rows, m) -> {
              int[] first = new int[rows]; // copies of the first sample
              Gradients.ofLayer(
                  model,
                  layer,
                  SampleRows.gather(start, first, m),
                  SampleRows.gather(input, first, m),
                  target,
                  null,
                  first);
            }));
  }

  /**
   * The weighted sum of gradients along each sample's path.
   *
   * @param start (N, …) path starts (the baselines)
   * @param direction (N, …) path directions (end − start)
   * @param alphas node positions
   * @param weights node weights
   * @param gradient how to take the gradient at a batch of points (e.g. through {@code Gradients})
   * @param budget rows per forward/backward pass
   * @return (N, …) the weighted gradient sum, on start's manager
   */
  public static NDArray weightedGradients(
      NDArray start,
      NDArray direction,
      double[] alphas,
      double[] weights,
      RowGradient gradient,
      MemoryBudget budget) {
    int n = (int) start.getShape().get(0);
    int rank = start.getShape().dimension();
    long total = (long) n * alphas.length;
    NDArray sum = start.zerosLike();
    Chunks.forEach(
        total,
        budget,
        start.getManager(),
        (from, to, chunk) -> {
          int[] sampleOfRow = Chunks.nodeMajor(from, to, n);
          // doubles: the nodes and weights reach a float64 path unrounded
          double[] alpha = new double[to - from];
          double[] weight = new double[to - from];
          for (int r = from; r < to; r++) {
            alpha[r - from] = alphas[r / n];
            weight[r - from] = weights[r / n];
          }
          NDArray offsets = SampleRows.gather(direction, sampleOfRow, chunk);
          NDArray points =
              SampleRows.gather(start, sampleOfRow, chunk)
                  .add(offsets.mul(SampleRows.column(offsets, alpha, rank)));
          NDArray grad = gradient.at(points, sampleOfRow);
          NDArray weighted = grad.mul(SampleRows.column(grad, weight, rank));
          // one addition per node and sample, in node order: the same sums for any chunking
          OrderedSums.addNodeMajor(sum, weighted, from, to, chunk);
        });
    return sum;
  }
}
