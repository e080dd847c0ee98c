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
 *
 * @param model the model
 * @param store its parameter store
 * @param manager where each batch's scope is opened
 * @param batchSize images per forward pass
 * @param dataType the type the images are cast to
 */
record Evaluator(
    Block model, ParameterStore store, NDManager manager, int batchSize, DataType dataType) {

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
