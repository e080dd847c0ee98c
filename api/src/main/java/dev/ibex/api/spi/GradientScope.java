package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.ibex.api.model.ExplainableModel;

/**
 * Where gradients are recorded for one attribution step, and the one place backward passes are
 * counted: {@link #backward(NDArray, long)} back-propagates a score and counts its rows on the
 * model's {@link dev.ibex.api.model.PassCounter}.
 *
 * <p>DJL accumulates gradients across scopes, so differentiate a fresh leaf ({@link
 * Gradients#leaf}) in each scope; and DJL's PyTorch engine allows one open collector per JVM, so
 * never nest scopes.
 */
public final class GradientScope implements AutoCloseable {
  private final ExplainableModel model;
  private final GradientCollector collector;

  private GradientScope(ExplainableModel model) {
    this.model = model;
    this.collector = model.manager().getEngine().newGradientCollector();
  }

  /**
   * Opens a scope: operations until {@link #close()} are recorded for differentiation.
   *
   * @param model the model whose backward passes are counted
   * @return the open scope
   */
  public static GradientScope open(ExplainableModel model) {
    return new GradientScope(model);
  }

  /**
   * Back-propagates a model score and counts one backward pass per row.
   *
   * @param scalar the summed score of the rows
   * @param rows the number of rows whose score it sums
   */
  public void backward(NDArray scalar, long rows) {
    collector.backward(scalar);
    model.passes().countBackward(rows);
  }

  /**
   * Back-propagates an intermediate quantity without counting a pass: a step inside one counted
   * backward pass (a segment of segment-wise backward, as guided backpropagation runs it).
   *
   * @param scalar the quantity
   */
  public void backwardSegment(NDArray scalar) {
    collector.backward(scalar);
  }

  @Override
  public void close() {
    collector.close();
  }
}
