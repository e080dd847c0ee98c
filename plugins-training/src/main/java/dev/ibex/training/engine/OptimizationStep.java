package dev.ibex.training.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableMap;
import dev.ibex.api.spi.GradientScope;
import dev.ibex.training.autograd.SecondOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One optimisation step: forward in a {@link GradientCollector}, cross-entropy plus the regularizer
 * terms, backward, then {@link Optimizer#update} per parameter. The trainer owns the step (DJL's
 * {@code EasyTrain} cannot host it) because terms such as S-IB differentiate an input gradient and
 * need second-order backpropagation ({@link SecondOrder}).
 */
final class OptimizationStep {
  /** The step's logged terms, in order, and its correct predictions. */
  record Result(ImmutableMap<String, Double> terms, long correct) {}

  private final Block model;
  private final ParameterStore store;
  private final RegularizerTerms terms;
  private final Optimizer optimizer;
  private final NDManager manager;
  private final DataType dataType;

  OptimizationStep(
      RegularizerTerms terms,
      ParameterStore store,
      Optimizer optimizer,
      NDManager manager,
      DataType dataType) {
    this.model = terms.model();
    this.store = store;
    this.terms = terms;
    this.optimizer = optimizer;
    this.manager = manager;
    this.dataType = dataType;
  }

  /**
   * Trains on some images.
   *
   * @param data the training images
   * @param idx which of them form the batch
   * @param update the number of this update, from 1
   * @return what the step logged
   */
  Result run(LabeledData data, int[] idx, int update) {
    Map<String, Double> logged = new LinkedHashMap<>();
    long correct;
    try (NDManager scope = manager.newSubManager()) {
      NDArray x = data.images(scope, idx).toType(dataType, false);
      NDArray y = data.labels(scope, idx);
      if (terms.needsInputGradient()) {
        x.setRequiresGradient(true);
      }
      try (GradientScope gradients = GradientScope.open(scope.getEngine())) {
        NDList out = model.forward(store, new NDList(x), true);
        NDArray total = terms.total(new StepContext(x, y, out, model, store, logged), update);
        gradients.backwardSegment(total);
        correct = Classification.correct(out.get(0), y);
      }
      for (Pair<String, Parameter> p : model.getParameters()) {
        NDArray w = p.getValue().getArray();
        if (w.hasGradient()) {
          optimizer.update(p.getValue().getId(), w, w.getGradient());
        }
      }
      SecondOrder.zeroParameterGradients(model);
    }
    return new Result(ImmutableMap.copyOf(logged), correct);
  }
}
