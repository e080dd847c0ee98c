package dev.ibex.api.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Optional;

/**
 * A model as attribution methods see it: a differentiable forward with eval semantics (batch-norm
 * uses running statistics, dropout is off), named split points for layer methods, and optionally
 * the chain of stages for segment-wise methods.
 *
 * <p>Split-point contract: for every layer {@code L} in {@link #layers()}, {@code fromLayer(L,
 * toLayer(L, x))} equals {@code forward(x)}. Gradients are recorded when called inside a {@link
 * ai.djl.training.GradientCollector}. Adapters: {@link BlockModel} for DJL blocks built in Java,
 * {@link TorchScriptModel} for TorchScript files.
 */
public interface ExplainableModel extends AutoCloseable {
  /**
   * @return the manager that owns the model's parameters
   */
  NDManager manager();

  /**
   * @return the device the model runs on; inputs must be on it
   */
  default Device device() {
    return manager().getDevice();
  }

  /**
   * The full forward pass (counted in {@link #passes()}).
   *
   * @param input a batch
   * @return the output, e.g. (N, classes) logits or (N, dim) embeddings
   */
  NDArray forward(NDArray input);

  /**
   * @return the split points this model is known to offer (immutable)
   */
  List<String> layers();

  /**
   * The activation at a split point.
   *
   * @param layer a split point
   * @param input a batch
   * @return the activation, e.g. (N, C, h, w)
   * @throws dev.ibex.api.UnknownLayerException if the model has no such split point
   */
  NDArray toLayer(String layer, NDArray input);

  /**
   * The rest of the forward pass from a split point (counted as one forward pass in {@link
   * #passes()}).
   *
   * @param layer a split point
   * @param activation an activation of that layer's shape
   * @return the model output
   * @throws dev.ibex.api.UnknownLayerException if the model has no such split point
   */
  NDArray fromLayer(String layer, NDArray activation);

  /**
   * The rest of the forward pass from a split point, for models whose tail also needs the original
   * input (a CLIP text tower pools at the EOT position of the token ids). Batched methods pass the
   * input row of each activation row. By default the input is not needed and this is {@link
   * #fromLayer(String, NDArray)}.
   *
   * @param layer a split point
   * @param activation activations of that layer, one row per input row
   * @param input the input rows the activations derive from
   * @return the model output
   */
  default NDArray fromLayer(String layer, NDArray activation, NDArray input) {
    return fromLayer(layer, activation);
  }

  /**
   * @return the model as a chain of stages (immutable), if the adapter can see inside it
   */
  Optional<List<Stage>> stages();

  /**
   * @return the pass counter of this model
   */
  PassCounter passes();

  /**
   * Releases what the adapter holds (the model itself for loaded files; parameter state for
   * blocks).
   */
  @Override
  void close();
}
