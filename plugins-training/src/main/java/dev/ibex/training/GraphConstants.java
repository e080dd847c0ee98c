package dev.ibex.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Scalar constants for arithmetic that autograd will differentiate through.
 *
 * <p>Use {@code x.mul(scalar(x, c))}, never {@code x.mul(c)}, wherever a backward pass follows: DJL's
 * PyTorch {@code mul/div/pow/maximum/minimum(Number)} wrap the number with {@code from_blob} over a
 * Java direct buffer and close that wrapper as soon as the op returns, while autograd keeps the
 * tensor for the backward ({@code MulBackward} reads the other factor). Once a garbage collection
 * frees the buffer, the backward reads freed memory: gradients of exactly zero (a stale chunk read as
 * a denormal, cast to float32) or garbage. The constant made here owns its native memory, so the
 * graph's reference keeps it valid.
 */
public final class GraphConstants {
  private GraphConstants() {}

  /**
   * A 0-dimensional tensor with libtorch-owned storage, of {@code like}'s type and device, attached
   * to {@code like}'s manager.
   *
   * @param like the array the constant combines with
   * @param value the constant
   * @return the scalar tensor
   */
  public static NDArray scalar(NDArray like, double value) {
    return JniUtils.full((PtNDManager) like.getManager(), new Shape(), value, like.getDataType(), like.getDevice(),
        SparseFormat.DENSE);
  }
}
