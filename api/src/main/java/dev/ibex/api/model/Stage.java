package dev.ibex.api.model;

import ai.djl.ndarray.NDArray;

/**
 * One step of a model seen as a chain {@code forward = stage_n ∘ … ∘ stage_1}. Methods that need
 * their own backward rule at certain operations (guided backprop at each ReLU) walk the chain.
 */
public interface Stage {
  /**
   * @return the stage's name (the layer name of its output)
   */
  String name();

  /**
   * @return whether this stage is exactly an element-wise ReLU
   */
  boolean isRelu();

  /**
   * Runs the stage with eval semantics (recording gradients inside a collector).
   *
   * @param input the previous stage's output
   * @return this stage's output
   */
  NDArray apply(NDArray input);
}
