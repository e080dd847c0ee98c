package dev.ibex.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Random;

/**
 * Checks that the engine computes float32 convolution input gradients right on this CPU.
 *
 * <p>libtorch 2.7.1's oneDNN JIT kernels (AVX2 and AVX-512) return wrong float32 input gradients of
 * convolutions on some CPUs (seen on an AMD Zen 5 VM that reports no cache sizes: off by up to 60
 * %, differently per thread count); the AVX and SSE4.1 kernels are right. Every gradient method on
 * a convolutional network would then be wrong without any error, and training would not learn.
 * oneDNN reads {@value #ISA_VARIABLE} once, when it starts, so the remedy is to run the process
 * with it set to {@code AVX}: the CLI does that itself when this check fails, and the Spark job
 * refuses to run on an executor where it fails.
 */
public final class EngineCheck {
  /** oneDNN's environment variable capping the instruction set its kernels use. */
  public static final String ISA_VARIABLE = "ONEDNN_MAX_CPU_ISA";

  /** The cap that gives right gradients where the faster kernels do not. */
  public static final String SAFE_ISA = "AVX";

  /**
   * System property: {@code auto} (the default) runs the check, {@code off} skips it, {@code fail}
   * treats it as failed (to exercise the relaunch without such a CPU).
   */
  public static final String PROPERTY = "ibex.engine-check";

  private EngineCheck() {}

  /**
   * Whether this process must run with oneDNN capped and does not: {@value #ISA_VARIABLE} unset,
   * and the check fails (or the property says to treat it as failed).
   *
   * @return true when convolution gradients would be wrong here
   */
  public static boolean needsSafeIsa() {
    if (System.getenv(ISA_VARIABLE) != null) {
      return false;
    }
    switch (System.getProperty(PROPERTY, "auto")) {
      case "off":
        return false;
      case "fail":
        return true;
      default:
        return !convolutionGradientsAreRight();
    }
  }

  /**
   * Compares float32 with float64 input gradients of small convolutions on the CPU (a few
   * milliseconds once the engine is loaded).
   *
   * @return whether they agree to 1e-5 relative
   */
  public static boolean convolutionGradientsAreRight() {
    ai.djl.engine.Engine.getEngine("PyTorch"); // loads the native library
    // on one thread the wrong kernels are wrong every time; on several, only some of the time
    int threads = JniUtils.getNumThreads();
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      JniUtils.setNumThreads(1);
      return agrees(m, new Shape(3, 3, 8, 8), new Shape(4, 3, 3, 3))
          && agrees(m, new Shape(3, 4, 8, 8), new Shape(6, 4, 3, 3))
          && agrees(m, new Shape(8, 1, 28, 28), new Shape(16, 1, 3, 3));
    } finally {
      JniUtils.setNumThreads(threads);
    }
  }

  private static boolean agrees(NDManager m, Shape input, Shape kernel) {
    double[] g32 = inputGradient(m, input, kernel, DataType.FLOAT32);
    double[] g64 = inputGradient(m, input, kernel, DataType.FLOAT64);
    double worst = 0;
    double scale = 0;
    for (int i = 0; i < g64.length; i++) {
      worst = Math.max(worst, Math.abs(g32[i] - g64[i]));
      scale = Math.max(scale, Math.abs(g64[i]));
    }
    return worst <= 1e-5 * scale;
  }

  private static double[] inputGradient(NDManager m, Shape input, Shape kernel, DataType type) {
    try (NDManager scope = m.newSubManager()) {
      NDArray x = normal(scope, 1, input).toType(type, false);
      NDArray w = normal(scope, 2, kernel).toType(type, false);
      x.setRequiresGradient(true);
      try (GradientCollector c = scope.getEngine().newGradientCollector()) {
        NDArray out =
            Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                .singletonOrThrow();
        c.backward(out.mul(out).sum());
      }
      return x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
    }
  }

  private static NDArray normal(NDManager m, long seed, Shape shape) {
    Random r = new Random(seed);
    float[] v = new float[(int) shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return m.create(v, shape);
  }
}
