package dev.ibex.api.spi;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.model.PassCounter;

/**
 * Where gradients are recorded for one attribution (or training) step, and the one place backward
 * passes are counted: {@link #backward(NDArray, long)} back-propagates a score and counts its rows
 * on the model's {@link PassCounter}.
 *
 * <p>A scope records on the calling thread only: on PyTorch, scopes on several threads run at the
 * same time (libtorch's grad mode is per thread), so one loaded model serves concurrent
 * attributions. Gradients accumulate on an array across backward passes, so differentiate a fresh
 * leaf ({@link Gradients#leaf}) in each scope, and do not nest scopes on one thread.
 */
public final class GradientScope implements AutoCloseable {
  private final PassCounter passes;
  private final Autograd.Recording recording;

  private GradientScope(Engine engine, PassCounter passes) {
    this.passes = passes;
    this.recording = Autograd.of(engine).open(engine);
  }

  /**
   * Opens a scope on the calling thread: operations until {@link #close()} are recorded for
   * differentiation.
   *
   * @param model the model whose backward passes are counted
   * @return the open scope
   */
  public static GradientScope open(ExplainableModel model) {
    return new GradientScope(model.manager().getEngine(), model.passes());
  }

  /**
   * Opens a scope that counts no passes (a training step, a method's own arithmetic).
   *
   * @param engine the engine of the arrays to differentiate
   * @return the open scope
   */
  public static GradientScope open(Engine engine) {
    return new GradientScope(engine, null);
  }

  /**
   * Back-propagates a model score and counts one backward pass per row.
   *
   * @param scalar the summed score of the rows
   * @param rows the number of rows whose score it sums
   */
  public void backward(NDArray scalar, long rows) {
    recording.backward(scalar);
    if (passes != null) {
      passes.countBackward(rows);
    }
  }

  /**
   * Back-propagates an intermediate quantity without counting a pass: a step inside one counted
   * backward pass (a segment of segment-wise backward, as guided backpropagation runs it), or a
   * loss.
   *
   * @param scalar the quantity
   */
  public void backwardSegment(NDArray scalar) {
    recording.backward(scalar);
  }

  @Override
  public void close() {
    recording.close();
  }
}
