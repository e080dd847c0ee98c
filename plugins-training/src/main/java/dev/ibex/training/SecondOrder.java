package dev.ibex.training;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;

/**
 * Differentiable input gradients for regularisers built on them (double backpropagation), on the
 * PyTorch engine: DJL has no {@code torch.autograd.grad}, so a backward with {@code create_graph}
 * fills {@code x.grad} with a graph-connected tensor, and the first-order gradients that the same
 * backward leaks into the parameters are zeroed afterwards.
 */
public final class SecondOrder {
  private SecondOrder() {}

  /**
   * ∂(Σ scalar)/∂x with the graph kept, so that a loss on the result can be differentiated with
   * respect to the parameters. Must run inside the step's {@link ai.djl.training.GradientCollector}.
   *
   * @param scalar a scalar function of {@code x} and the parameters
   * @param x a leaf that requires gradients and has none yet
   * @param model the model whose parameter gradients the inner backward pollutes
   * @param removeLeakedGradients zero the parameters' first-order gradients afterwards (always true in
   *     training; false only to show the leak in a test)
   * @return the gradient, x's shape, differentiable
   */
  public static NDArray inputGradient(NDArray scalar, NDArray x, Block model, boolean removeLeakedGradients) {
    NDArray seed = scalar.getManager().ones(scalar.getShape(), scalar.getDataType());
    JniUtils.backward((PtNDArray) scalar, (PtNDArray) seed, true, true);
    seed.close();
    NDArray r = x.getGradient();
    if (removeLeakedGradients) {
      zeroParameterGradients(model);
    }
    return r;
  }

  /**
   * Zeroes the accumulated gradient of every parameter of a block (in place).
   *
   * @param model the block
   */
  public static void zeroParameterGradients(Block model) {
    for (Pair<String, Parameter> p : model.getParameters()) {
      NDArray a = p.getValue().getArray();
      if (a.hasGradient()) {
        JniUtils.zeroGrad((PtNDArray) a);
      }
    }
  }

  /**
   * Gives every trainable parameter a fresh gradient-free leaf with the same values. After a
   * {@code create_graph} backward a parameter's {@code .grad} is itself part of the graph; zeroing
   * it in place would keep that graph alive and chain each step's graph to the next one.
   *
   * @param model the block
   */
  public static void resetParameterGradients(Block model) {
    for (Pair<String, Parameter> p : model.getParameters()) {
      NDArray a = p.getValue().getArray();
      if (a.hasGradient()) {
        NDArray fresh = a.duplicate();
        fresh.setRequiresGradient(true);
        a.intern(fresh);
      }
    }
  }
}
