package dev.ibex.spark;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.host.Ibex;
import dev.ibex.api.host.NativeAllocator;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.engine.EngineCheck;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What each executor JVM holds once, whatever the number of task threads: the plugins and one
 * loaded copy of each model, loaded lazily by the first task that needs it and shared by all (on
 * PyTorch attribution is thread-safe; each task works on its own {@code NDManager}). The models are
 * closed when the JVM ends.
 */
final class ExecutorModels {
  private static final Map<ModelSpec, TorchScriptModel> MODELS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();
  private static volatile Ibex ibex;
  // whether this JVM's oneDNN gives wrong convolution gradients, checked once
  private static final Supplier<Boolean> ENGINE_WRONG =
      Suppliers.memoize(EngineCheck::needsSafeIsa);

  static {
    // the bundled CPU libtorch: DJL must not try to download an engine (a cluster option wins)
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ExecutorModels::closeAll, "ibex-spark-close-models"));
  }

  private ExecutorModels() {}

  /**
   * The model of a spec, loaded on first use (other tasks asking meanwhile wait for it).
   *
   * @param spec the model
   * @return the shared model; never close it
   */
  static TorchScriptModel model(ModelSpec spec) {
    return MODELS.computeIfAbsent(
        spec,
        s -> {
          requireRightGradients();
          // an executor attributes partition after partition: reuse libtorch's freed blocks
          NativeAllocator.keepFreedBlocks();
          LOADS.incrementAndGet();
          return s.load();
        });
  }

  /**
   * Refuses to compute on a JVM whose oneDNN gives wrong convolution gradients (see {@link
   * EngineCheck}): every map would be silently wrong. Checked once per JVM.
   *
   * @throws InvalidInputException saying how to set the executors' environment
   */
  static void requireRightGradients() {
    if (ENGINE_WRONG.get()) {
      throw new InvalidInputException(
          "this JVM's oneDNN gives wrong convolution gradients (libtorch 2.7.1 on this CPU); run it with "
              + EngineCheck.ISA_VARIABLE
              + "="
              + EngineCheck.SAFE_ISA
              + " (spark-submit --conf spark.executorEnv."
              + EngineCheck.ISA_VARIABLE
              + "="
              + EngineCheck.SAFE_ISA
              + ", and export it before spark-submit for the driver and local[*])");
    }
  }

  /**
   * @return how many models this JVM has loaded for tasks so far
   */
  static int loads() {
    return LOADS.get();
  }

  /**
   * @return the plugins on this JVM's class path, discovered once
   */
  static Ibex ibex() {
    Ibex here = ibex;
    if (here == null) {
      synchronized (ExecutorModels.class) {
        if (ibex == null) {
          ibex = Ibex.discover();
        }
        here = ibex;
      }
    }
    return here;
  }

  private static void closeAll() {
    MODELS.values().forEach(TorchScriptModel::close);
    MODELS.clear();
  }
}
