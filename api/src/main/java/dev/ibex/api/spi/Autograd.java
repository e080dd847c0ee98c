package dev.ibex.api.spi;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * How a {@link GradientScope} records and back-propagates on an engine.
 *
 * <p>On PyTorch, libtorch's grad mode is a property of the calling thread, so each scope switches
 * it on for its own thread and back-propagates with {@code torch::autograd::backward}: scopes on
 * different threads run at the same time. DJL's own {@code PtGradientCollector} cannot serve here:
 * it keeps a JVM-wide flag and refuses a second collector while one is open. The PyTorch entry
 * points are reached by reflection so that ibex-api keeps depending on DJL's api alone; any other
 * engine gets DJL's {@link GradientCollector}, one scope at a time.
 */
abstract class Autograd {
  /** Opens recording on the calling thread; the returned handle restores the previous state. */
  abstract Recording open(Engine engine);

  /** What one open scope does. */
  interface Recording extends AutoCloseable {
    void backward(NDArray scalar);

    @Override
    void close();
  }

  private static volatile Autograd pytorch;

  /**
   * The autograd of an engine.
   *
   * @param engine the engine of the arrays to differentiate
   * @return per-thread recording on PyTorch, DJL's collector elsewhere
   */
  static Autograd of(Engine engine) {
    if ("PyTorch".equals(engine.getEngineName())) {
      Autograd a = pytorch;
      if (a == null) {
        a = PerThread.find(engine).map(Autograd.class::cast).orElse(Collector.INSTANCE);
        pytorch = a;
      }
      return a;
    }
    return Collector.INSTANCE;
  }

  /** libtorch's thread-local grad mode and its autograd backward. */
  private static final class PerThread extends Autograd {
    private final MethodHandle isGradMode;
    private final MethodHandle setGradMode;
    private final MethodHandle backward;

    private PerThread(MethodHandle isGradMode, MethodHandle setGradMode, MethodHandle backward) {
      this.isGradMode = isGradMode;
      this.setGradMode = setGradMode;
      this.backward = backward;
    }

    static java.util.Optional<PerThread> find(Engine engine) {
      try {
        ClassLoader loader = engine.getClass().getClassLoader();
        Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils", true, loader);
        Class<?> array = Class.forName("ai.djl.pytorch.engine.PtNDArray", true, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        return java.util.Optional.of(
            new PerThread(
                lookup.findStatic(jni, "isGradMode", MethodType.methodType(boolean.class)),
                lookup.findStatic(
                    jni, "setGradMode", MethodType.methodType(void.class, boolean.class)),
                lookup
                    .findStatic(
                        jni,
                        "backward",
                        MethodType.methodType(
                            void.class, array, array, boolean.class, boolean.class))
                    .asType(
                        MethodType.methodType(
                            void.class,
                            NDArray.class,
                            NDArray.class,
                            boolean.class,
                            boolean.class))));
      } catch (ReflectiveOperationException | LinkageError e) {
        return java.util.Optional.empty(); // another DJL build: fall back to the collector
      }
    }

    @Override
    Recording open(Engine engine) {
      boolean previous = (boolean) invoke(isGradMode);
      invoke(setGradMode, true);
      return new Recording() {
        @Override
        public void backward(NDArray scalar) {
          try (NDArray seed = scalar.onesLike()) {
            invoke(backward, scalar, seed, false, false);
          }
        }

        @Override
        public void close() {
          invoke(setGradMode, previous);
        }
      };
    }

    private static Object invoke(MethodHandle handle, Object... args) {
      try {
        return handle.invokeWithArguments(args);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** DJL's gradient collector: one open scope per JVM at a time. */
  private static final class Collector extends Autograd {
    static final Collector INSTANCE = new Collector();

    @Override
    Recording open(Engine engine) {
      GradientCollector collector = engine.newGradientCollector();
      return new Recording() {
        @Override
        public void backward(NDArray scalar) {
          collector.backward(scalar);
        }

        @Override
        public void close() {
          collector.close();
        }
      };
    }
  }
}
