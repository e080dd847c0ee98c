package dev.ibex.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** One training step as a {@link RegularizerTerm} sees it, inside the trainer's gradient scope. */
public interface TrainingStep {
  /**
   * @return the input batch (requires gradients when a term asked for it)
   */
  NDArray inputs();

  /**
   * @return the labels, (N,) class indices
   */
  NDArray labels();

  /**
   * @return the model's outputs on {@link #inputs()}; element 0 is the logits
   */
  NDList outputs();

  /**
   * @return the logits, (N, classes)
   */
  default NDArray logits() {
    return outputs().get(0);
  }

  /**
   * @return the model being trained (after every term's {@link RegularizerTerm#wrap})
   */
  Block model();

  /**
   * @return the parameter store of the step
   */
  ParameterStore parameterStore();

  /**
   * @return whether this is a training (vs. validation) step
   */
  boolean training();

  /**
   * Records a named scalar for the progress log (e.g. {@code s-ib/hsic}).
   *
   * @param name the value's name
   * @param value the value
   */
  void log(String name, double value);
}
