package dev.ibex.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.ibex.api.TrainingStep;
import java.util.LinkedHashMap;
import java.util.Map;

/** A {@link TrainingStep} over given arrays, for calling a term directly in tests. */
public final class FixedStep implements TrainingStep {
  private final NDArray x;
  private final NDArray y;
  private final NDList out;
  private final Block model;
  private final ParameterStore store;
  /** What the term logged. */
  public final Map<String, Double> logged = new LinkedHashMap<>();

  public FixedStep(NDArray x, NDArray y, NDList out, Block model, ParameterStore store) {
    this.x = x;
    this.y = y;
    this.out = out;
    this.model = model;
    this.store = store;
  }

  @Override public NDArray inputs() { return x; }
  @Override public NDArray labels() { return y; }
  @Override public NDList outputs() { return out; }
  @Override public Block model() { return model; }
  @Override public ParameterStore parameterStore() { return store; }
  @Override public boolean training() { return true; }
  @Override public void log(String name, double value) { logged.put(name, value); }
}
