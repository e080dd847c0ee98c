package dev.ibex.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar constants for arithmetic that autograd will differentiate through.
 *
 * <p>Use {@code x.mul(scalar(x, c))}, never {@code x.mul(c)}, wherever a backward pass follows:
 * DJL's PyTorch {@code mul/div/pow/maximum/minimum(Number)} wrap the number with {@code from_blob}
 * over a Java direct buffer and close that wrapper as soon as the op returns, while autograd keeps
 * the tensor for the backward ({@code MulBackward} reads the other factor). Once a garbage
 * collection frees the buffer, the backward reads freed memory: gradients of exactly zero (a stale
 * chunk read as a denormal, cast to float32) or garbage. The constant made here owns its native
 * memory, so the graph's reference keeps it valid. Plugin authors: the same holds in any method
 * that differentiates through its own arithmetic (an information-bottleneck loss, a regulariser, a
 * score function).
 */
public final class GraphConstants {
  private GraphConstants() {}

  /**
   * A 0-dimensional tensor with engine-owned storage, of {@code like}'s type and device, attached
   * to {@code like}'s manager.
   *
   * @param like the array the constant combines with
   * @param value the constant
   * @return the scalar tensor
   */
  public static NDArray scalar(NDArray like, double value) {
    // ones() is allocated by the engine; the in-place multiply records nothing for autograd, so the
    // short-lived wrapper of the number it uses is never read again
    return like.getManager().ones(new Shape(), like.getDataType(), like.getDevice()).muli(value);
  }
}
