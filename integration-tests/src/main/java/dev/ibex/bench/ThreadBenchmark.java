package dev.ibex.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.Attributor;
import dev.ibex.api.Target;
import dev.ibex.api.host.NativeAllocator;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.options.Options;
import dev.ibex.api.plugins.Plugins;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throughput of Java threads sharing one loaded model (not a test): each thread explains its own
 * copy of the batch again and again, from its own manager, for a fixed time after a warm-up; the
 * rate is all threads' images over the time until the last call ends. libtorch's intra-op threads
 * are set per JVM ({@code -Dai.djl.pytorch.num_threads=N}), so a script runs one JVM per setting.
 *
 * <p>Usage: {@code ThreadBenchmark MODEL.pt X.npy LAYER [threads=1,2,4] [methods=saliency,grad-cam]
 * [seconds=20] [device=cpu]}. Prints one line per method and thread count.
 */
public final class ThreadBenchmark {
  private static final int WARMUP_CALLS = 3;

  private ThreadBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args model, input, layer, and optionally thread counts, methods, seconds and device
   * @throws Exception if a thread fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println(
          "usage: ThreadBenchmark MODEL.pt X.npy LAYER [threads=1,2,4]"
              + " [methods=saliency,grad-cam] [seconds=20] [device=cpu]");
      System.exit(2);
    }
    // as the CLI and the Spark executors run (-Dibex.native-allocator=system for glibc's defaults)
    System.out.println(
        "native_allocator=" + (NativeAllocator.keepFreedBlocks() ? "kept" : "system"));
    Path input = Path.of(args[1]);
    String layer = args[2];
    int[] threads =
        java.util.Arrays.stream((args.length > 3 ? args[3] : "1,2,4").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    String[] methods = (args.length > 4 ? args[4] : "saliency,grad-cam").split(",");
    double seconds = args.length > 5 ? Double.parseDouble(args[5]) : 20;
    Device device = Device.fromName(args.length > 6 ? args[6] : "cpu");
    Plugins plugins = Plugins.discover(ThreadBenchmark.class.getClassLoader());
    String intraOp = System.getProperty("ai.djl.pytorch.num_threads", "default");
    try (TorchScriptModel model = TorchScriptModel.load(Path.of(args[0]), device, List.of(layer))) {
      for (String method : methods) {
        Attributor a = plugins.attributor(method);
        Options o = a.options().defaults();
        if (o.schema().specs().stream().anyMatch(s -> s.name().equals("layer"))) {
          o = o.with("layer", layer);
        }
        double single = 0;
        for (int t : threads) {
          String loadBefore = ProcessMemory.loadAverage();
          double rate = imagesPerSecond(model, a, o, input, t, seconds);
          if (t == threads[0]) {
            single = rate / t * threads[0];
          }
          System.out.printf(
              Locale.ROOT,
              "method=%s java_threads=%d intra_op_threads=%s device=%s images_per_s=%.2f"
                  + " speedup=%.2f load_before=%s load_after=%s%n",
              method,
              t,
              intraOp,
              device,
              rate,
              rate / single,
              loadBefore,
              ProcessMemory.loadAverage());
        }
      }
    }
  }

  private static double imagesPerSecond(
      TorchScriptModel model, Attributor a, Options o, Path input, int threads, double seconds)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    try {
      List<Future<long[]>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  try (NDManager m = NDManager.newBaseManager(model.device())) {
                    NDArray x = read(input, m);
                    for (int i = 0; i < WARMUP_CALLS; i++) {
                      a.attribute(model, x, Target.predicted(), o).values().close();
                    }
                    start.await();
                    long t0 = System.nanoTime();
                    long deadline = t0 + (long) (seconds * 1e9);
                    long images = 0;
                    while (System.nanoTime() < deadline) {
                      a.attribute(model, x, Target.predicted(), o).values().close();
                      images += x.getShape().get(0);
                    }
                    return new long[] {t0, System.nanoTime(), images};
                  }
                }));
      }
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      long images = 0;
      for (Future<long[]> f : done) {
        long[] r = f.get();
        first = Math.min(first, r[0]);
        last = Math.max(last, r[1]);
        images += r[2];
      }
      return images / ((last - first) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  private static NDArray read(Path file, NDManager m) {
    try {
      return Npy.read(file, m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
