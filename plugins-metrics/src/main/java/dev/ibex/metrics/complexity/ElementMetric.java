package dev.ibex.metrics.complexity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.Direction;
import dev.ibex.api.Inputs;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.spi.AbstractMetric;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.Scores;

/**
 * The base of the complexity metrics: each sample's attributions as one flat vector (the elements
 * of sample i are those of row i, never sized from the batch axis), scored on their own.
 */
abstract class ElementMetric extends AbstractMetric {

  ElementMetric(String name, String description, Direction direction) {
    super(name, description, direction, ATTRIBUTIONS_ONLY);
  }

  /**
   * Scores one sample.
   *
   * @param values the sample's attributions, flattened
   * @return the score
   */
  protected abstract double score(double[] values);

  @Override
  protected final Scores compute(MetricContext ctx) {
    double[][] a = perSample(ctx.attributions());
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = score(a[i]);
    }
    return Scores.perSample(out);
  }

  static double[][] perSample(NDArray attributions) {
    Inputs.requireFinite(attributions, "attributions");
    if (attributions.getShape().dimension() < 2) {
      throw new InvalidInputException(
          "attributions need a batch axis and at least one more, got " + attributions.getShape());
    }
    int n = (int) attributions.getShape().get(0);
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
