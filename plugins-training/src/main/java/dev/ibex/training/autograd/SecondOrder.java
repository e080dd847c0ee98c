package dev.ibex.training.autograd;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Differentiable input gradients for regularisers built on them (double backpropagation), on the
 * PyTorch engine: DJL has no {@code torch.autograd.grad}, so a backward with {@code create_graph}
 * fills {@code x.grad} with a graph-connected tensor, and the first-order gradients that the same
 * backward leaks into the parameters are zeroed afterwards.
 */
public final class SecondOrder {
  private SecondOrder() {}

  /**
   * ∂scalar/∂x with the graph kept, so that a loss on the result can be differentiated with respect
   * to the parameters. Must run inside the step's {@link ai.djl.training.GradientCollector}.
   *
   * <p>Runs {@code torch.autograd.grad(scalar, x, create_graph=True)} (a TorchScript helper):
   * unlike {@code backward}, it accumulates nothing into the parameters, so there is no first-order
   * gradient to remove and no parameter whose {@code .grad} keeps the graph alive.
   *
   * @param scalar a scalar function of {@code x} and the parameters
   * @param x a leaf that requires gradients
   * @return the gradient, x's shape, differentiable
   */
  public static NDArray inputGradient(NDArray scalar, NDArray x) {
    // run the tiny scripted function unoptimised, so that the profiling executor never
    // re-specialises it (conservative: the exact-zero or wrong input gradients once blamed on this
    // helper came from scalar constants whose Java buffers were freed before the backward,
    // see GraphConstants)
    JniUtils.setGraphExecutorOptimize(false);
    NDList out;
    try {
      // training = true: DJL runs an inference-mode (no-grad) guard otherwise, and R would lose
      // its graph
      out = IValueUtils.forward(InputGradientModule.INSTANCE, new NDList(scalar, x), true);
    } finally {
      // DJL's default, which its own TorchScript blocks expect
      JniUtils.setGraphExecutorOptimize(true);
    }
    NDArray r = out.singletonOrThrow();
    r.attach(x.getManager());
    return r;
  }

  /**
   * ∂scalar/∂x with the graph kept, by {@code backward(create_graph=True)}: the first-order
   * gradients this leaks into the parameters are zeroed afterwards when asked. Kept to show (and
   * test) the leak that {@link #inputGradient(NDArray, NDArray)} avoids. Even with the leak zeroed,
   * each parameter's {@code .grad} keeps the graph (it is graph-connected after a create_graph
   * backward, and DJL cannot reset it), a reference cycle that is never freed: use only for checks.
   *
   * @param scalar a scalar function of {@code x} and the parameters
   * @param x a leaf that requires gradients and has none yet
   * @param model the model whose parameter gradients the backward pollutes
   * @param removeLeakedGradients zero the parameters' first-order gradients afterwards
   * @return the gradient, x's shape, differentiable
   */
  public static NDArray inputGradientByBackward(
      NDArray scalar, NDArray x, Block model, boolean removeLeakedGradients) {
    NDArray seed = scalar.getManager().ones(scalar.getShape(), scalar.getDataType());
    JniUtils.backward((PtNDArray) scalar, (PtNDArray) seed, true, true);
    seed.close();
    NDArray r = x.getGradient();
    if (removeLeakedGradients) {
      zeroParameterGradients(model);
    }
    return r;
  }

  /** The TorchScript {@code autograd.grad} helper, loaded once per JVM. */
  private static final class InputGradientModule {
    static final PtSymbolBlock INSTANCE = load();

    private static PtSymbolBlock load() {
      PtNDManager owner = (PtNDManager) NDManager.newBaseManager(Device.cpu(), "PyTorch");
      try (InputStream in = SecondOrder.class.getResourceAsStream("input_gradient.pt")) {
        if (in == null) {
          throw new IllegalStateException(
              "resource dev/ibex/training/autograd/input_gradient.pt is missing");
        }
        PtSymbolBlock block = JniUtils.loadModule(owner, in, true, false);
        return block;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load input_gradient.pt", e);
      }
    }
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
}
