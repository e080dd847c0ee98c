package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.model.ExplainableModel;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Gradients of target scores with respect to the model input or to a layer activation, one forward
 * and one backward pass for the whole batch of rows.
 *
 * <p>DJL accumulates gradients across collectors and allows one open collector per JVM, so every
 * call differentiates a fresh {@link #leaf} copy in its own {@link GradientScope}.
 */
public final class Gradients {
  private Gradients() {}

  /** A gradient and the scores it was taken of (detached). */
  public record Result(NDArray gradient, NDArray scores) {}

  /**
   * A fresh leaf: a copy of {@code x} that records its gradient. Gradients accumulate on an array
   * across backward passes, so each differentiation starts from its own leaf.
   *
   * @param x the point to differentiate at
   * @return the leaf, on x's manager
   */
  public static NDArray leaf(NDArray x) {
    NDArray leaf = x.duplicate();
    leaf.setRequiresGradient(true);
    return leaf;
  }

  /**
   * ∂score/∂input on the call's input, the target resolved with this very output (one forward and
   * one backward pass per sample): the first step of every input-gradient method.
   *
   * @param ctx the attribution call
   * @return gradient (shape of the input) and per-sample scores
   */
  public static Result ofInput(AttributionContext ctx) {
    return ofInput(
        ctx.model(), ctx.input(), null, ctx::resolveWith, SampleRows.identity(ctx.samples()));
  }

  /**
   * ∂score/∂x for every row of {@code x}, each row scored for the sample it derives from.
   *
   * @param model the model (counts one forward and one backward per row)
   * @param x rows to differentiate at
   * @param target resolved target, or {@code null} to resolve it with this very output (only when
   *     {@code x} is exactly the input batch)
   * @param resolver how to resolve the target from the output when {@code target} is null
   * @param sampleOfRow the sample each row derives from
   * @return gradient (shape of x) and per-row scores
   */
  public static Result ofInput(
      ExplainableModel model,
      NDArray x,
      ResolvedTarget target,
      Function<NDArray, ResolvedTarget> resolver,
      int[] sampleOfRow) {
    return through(model::forward, model, x, target, resolver, sampleOfRow);
  }

  /**
   * ∂score/∂z for activations {@code z} of a layer, pushing them through the rest of the model.
   *
   * @param model the model (counts one forward and one backward per row)
   * @param layer the split point
   * @param z the activations
   * @param input the input rows the activations derive from, for tails that need them (a CLIP text
   *     tower's EOT pooling); may be {@code null} for models whose tail does not
   * @param target resolved target, or {@code null} to resolve it with this very output (only when
   *     {@code z} is the activation of exactly the input batch)
   * @param resolver how to resolve the target from the output when {@code target} is null
   * @param sampleOfRow the sample each row derives from
   * @return gradient (shape of z) and per-row scores
   */
  public static Result ofLayer(
      ExplainableModel model,
      String layer,
      NDArray z,
      NDArray input,
      ResolvedTarget target,
      Function<NDArray, ResolvedTarget> resolver,
      int[] sampleOfRow) {
    UnaryOperator<NDArray> tail =
        input == null ? a -> model.fromLayer(layer, a) : a -> model.fromLayer(layer, a, input);
    return through(tail, model, z, target, resolver, sampleOfRow);
  }

  private static Result through(
      UnaryOperator<NDArray> f,
      ExplainableModel model,
      NDArray x,
      ResolvedTarget target,
      Function<NDArray, ResolvedTarget> resolver,
      int[] sampleOfRow) {
    NDArray leaf = leaf(x);
    NDArray scores;
    try (GradientScope scope = GradientScope.open(model)) {
      NDArray out = f.apply(leaf);
      ResolvedTarget t = target != null ? target : resolver.apply(out.stopGradient());
      scores = t.score(out, sampleOfRow);
      scope.backward(scores.sum(), sampleOfRow.length);
    }
    NDArray grad = leaf.getGradient().duplicate();
    NDArray detachedScores = scores.stopGradient();
    leaf.close();
    return new Result(grad, detachedScores);
  }
}
