package dev.ibex.training.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.ibex.api.TrainingStep;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link TrainingStep} regularisers see: one training batch inside the step's gradient scope.
 * The trainer makes one per optimisation step; a term can also be called directly on one (tests,
 * custom loops).
 *
 * @param inputs the input batch
 * @param labels its labels
 * @param outputs the model's training outputs
 * @param model the trained (wrapped) model
 * @param parameterStore the step's parameter store
 * @param logged where {@link #log} records values, in order
 */
public record StepContext(
    NDArray inputs,
    NDArray labels,
    NDList outputs,
    Block model,
    ParameterStore parameterStore,
    Map<String, Double> logged)
    implements TrainingStep {

  /**
   * A step that logs into a fresh map, read back with {@link #logged()}.
   *
   * @param inputs the input batch
   * @param labels its labels
   * @param outputs the model's training outputs
   * @param model the trained (wrapped) model
   * @param parameterStore the step's parameter store
   */
  public StepContext(
      NDArray inputs, NDArray labels, NDList outputs, Block model, ParameterStore parameterStore) {
    this(inputs, labels, outputs, model, parameterStore, new LinkedHashMap<>());
  }

  @Override
  public boolean training() {
    return true;
  }

  @Override
  public void log(String name, double value) {
    logged.put(name, value);
  }
}
