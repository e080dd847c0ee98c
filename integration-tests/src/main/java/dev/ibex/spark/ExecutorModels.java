package dev.ibex.spark;

import dev.ibex.api.host.Ibex;
import dev.ibex.api.model.TorchScriptModel;
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
          LOADS.incrementAndGet();
          return s.load();
        });
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
