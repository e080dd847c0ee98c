package dev.ibex.metrics.complexity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.Inputs;
import dev.ibex.api.InvalidInputException;

/** Attributions as one flat vector per sample: the elements of sample i are those of row i. */
final class Elements {
  private Elements() {}

  static double[][] perSample(NDArray attributions) {
    Inputs.requireFinite(attributions, "attributions");
    if (attributions.getShape().dimension() < 2) {
      throw new InvalidInputException(
          "attributions need a batch axis and at least one more, got " + attributions.getShape());
    }
    int n = (int) attributions.getShape().get(0);
    // elements per sample come from the sample's own axes, never from the batch axis
    int per = (int) (attributions.getShape().size() / n);
    float[] flat = attributions.toType(DataType.FLOAT32, false).toFloatArray();
    double[][] out = new double[n][per];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < per; j++) {
        out[i][j] = flat[i * per + j];
      }
    }
    return out;
  }
}
