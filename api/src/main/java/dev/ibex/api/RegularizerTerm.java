package dev.ibex.api;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;

/** The per-run state of a {@link Regularizer}: how it changes the model and what loss it adds. */
public interface RegularizerTerm extends AutoCloseable {
  /**
   * Wraps the classifier when the term adds trainable blocks (e.g. AIB's attention module); the
   * trainer trains, saves and loads the returned block.
   *
   * @param classifier the model being trained
   * @return the block to train; by default the classifier unchanged
   */
  default Block wrap(Block classifier) {
    return classifier;
  }

  /**
   * Whether the step must record gradients with respect to the input (terms built on the input
   * gradient, such as S-IB's VJP map).
   *
   * @return {@code true} to make {@link TrainingStep#inputs()} require gradients
   */
  default boolean needsInputGradient() {
    return false;
  }

  /**
   * The loss contribution of one step, differentiable with respect to the trained parameters.
   *
   * @param step the step's inputs, labels and model outputs
   * @return a scalar loss
   */
  NDArray loss(TrainingStep step);

  @Override
  default void close() {}
}
