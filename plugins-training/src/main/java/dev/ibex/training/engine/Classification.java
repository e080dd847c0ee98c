package dev.ibex.training.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Cross-entropy and correct predictions of class logits: the trainer's base loss and accuracy. */
public final class Classification {
  private Classification() {}

  /**
   * Mean cross-entropy of logits against class labels.
   *
   * @param logits (N, classes)
   * @param labels (N,) class indices
   * @return scalar
   */
  public static NDArray crossEntropy(NDArray logits, NDArray labels) {
    NDArray logp = logits.logSoftmax(1);
    NDArray oneHot =
        labels.oneHot((int) logits.getShape().get(1)).toType(logp.getDataType(), false);
    return logp.mul(oneHot).sum(new int[] {1}).mean().neg();
  }

  /**
   * How many arg-max predictions equal the labels.
   *
   * @param logits (N, classes)
   * @param labels (N,) class indices
   * @return the count
   */
  public static long correct(NDArray logits, NDArray labels) {
    return logits
        .argMax(1)
        .toType(DataType.INT64, false)
        .eq(labels.toType(DataType.INT64, false))
        .sum()
        .getLong();
  }
}
