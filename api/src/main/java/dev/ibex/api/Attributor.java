package dev.ibex.api;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.Options;

/**
 * An attribution method: one entry point, {@link #attribute}, that explains a model's score for a
 * target on an input batch.
 *
 * <p>Implementations are stateless services found by {@link java.util.ServiceLoader}. They scope
 * intermediate arrays in a sub-manager and return values on the input's manager; they run on
 * whatever device the model and input are on.
 */
public interface Attributor extends Plugin {
  /**
   * Attributes the target score to the input (or, for layer methods, to a layer).
   *
   * @param model the model to explain
   * @param input an input batch, e.g. (N, C, H, W) images or (N, L) token ids
   * @param target what to explain
   * @param options validated options from {@link #options()}
   * @return the attribution with its metadata
   * @throws InvalidInputException on a bad input or target
   * @throws InvalidOptionException on options from another schema or an inconsistent combination
   * @throws UnknownLayerException when a layer option names no split point of the model
   */
  Attribution attribute(ExplainableModel model, NDArray input, Target target, Options options);

  /**
   * {@link #attribute(ExplainableModel, NDArray, Target, Options)} with default options.
   *
   * @param model the model to explain
   * @param input an input batch
   * @param target what to explain
   * @return the attribution
   */
  default Attribution attribute(ExplainableModel model, NDArray input, Target target) {
    return attribute(model, input, target, options().defaults());
  }
}
