package dev.ibex.training.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * Measures a model's accuracy and cross-entropy on a labelled set, in inference mode and in
 * batches.
 */
final class Evaluator {
  private final Block model;
  private final ParameterStore store;
  private final NDManager manager;
  private final int batchSize;
  private final DataType dataType;

  Evaluator(
      Block model, ParameterStore store, NDManager manager, int batchSize, DataType dataType) {
    this.model = model;
    this.store = store;
    this.manager = manager;
    this.batchSize = batchSize;
    this.dataType = dataType;
  }

  Evaluation evaluate(LabeledData data) {
    long correct = 0;
    double ce = 0;
    for (int start = 0; start < data.size(); start += batchSize) {
      int[] idx = data.indices(start, batchSize);
      try (NDManager scope = manager.newSubManager()) {
        NDArray x = data.images(scope, idx).toType(dataType, false);
        NDArray y = data.labels(scope, idx);
        NDArray logits = model.forward(store, new NDList(x), false).get(0);
        correct += Classification.correct(logits, y);
        ce +=
            Classification.crossEntropy(logits, y).toType(DataType.FLOAT64, false).getDouble()
                * idx.length;
      }
    }
    return new Evaluation((double) correct / data.size(), ce / data.size(), data.size());
  }
}
