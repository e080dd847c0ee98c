package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.model.ExplainableModel;
import java.util.stream.IntStream;

/**
 * A layer's activation on the input batch and, optionally, the gradient of the target score with
 * respect to it: what every CAM method starts from (pytorch-grad-cam's {@code
 * ActivationsAndGradients}, without hooks).
 *
 * <p>The activation is {@code model.toLayer(L, x)}; the rest of the model runs from a fresh leaf
 * copy of it ({@code model.fromLayer(L, a, x)}: tails that need the input, or tensors that cross
 * the split with the activation, get them from {@code x}), so capturing costs exactly one forward
 * pass and, with the gradient, one backward pass per sample. The target is resolved with that very
 * output.
 *
 * @param activation (N, …) activation of the layer, detached
 * @param gradient ∂score/∂activation, same shape, or {@code null} when not requested
 * @param scores (N,) target scores on the input, detached
 */
public record LayerCapture(NDArray activation, NDArray gradient, NDArray scores) {

  /**
   * Captures a layer on the call's input. Arrays go to the call's scratch manager.
   *
   * @param ctx the attribution call (its target is resolved here if it was not already)
   * @param layer the split point
   * @param withGradient whether to back-propagate the target score to the activation
   * @return the capture
   * @throws dev.ibex.api.UnknownLayerException if the model has no such split point
   */
  public static LayerCapture of(AttributionContext ctx, String layer, boolean withGradient) {
    ExplainableModel model = ctx.model();
    NDArray x = ctx.input(); // already a copy owned by the call's scratch manager
    NDArray activation = model.toLayer(layer, x).stopGradient();
    int[] rows = IntStream.range(0, ctx.samples()).toArray();
    if (!withGradient) {
      NDArray out = model.fromLayer(layer, activation, x);
      NDArray scores = ctx.resolveWith(out).score(out, rows);
      return new LayerCapture(activation, null, scores);
    }
    Gradients.Result r =
        Gradients.ofLayer(model, layer, activation, x, null, ctx::resolveWith, rows);
    return new LayerCapture(activation, r.gradient(), r.scores());
  }
}
