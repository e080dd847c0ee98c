package dev.ibex.bench;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Target;
import dev.ibex.api.host.NativeAllocator;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.options.Options;
import dev.ibex.api.plugins.Plugins;
import dev.ibex.api.spi.MemoryBudget;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The soak check (not a test): many consecutive attributions in one JVM, saliency and Grad-CAM in
 * turn on one model and one batch. It passes when the resident memory at the end is less than 5 %
 * above its level after the warm-up, and the caller's manager holds no array the calls left behind.
 * It also prints the live native heap ({@link MemoryBudget#liveNativeBytes()}), which shows a leak
 * without the allocator's retained memory. Prints one line per tenth of the run and a summary;
 * exits 1 on failure.
 *
 * <p>Usage: {@code SoakCheck MODEL.pt X.npy [calls=10000] [warmup=2000] [layer=conv3]}.
 */
public final class SoakCheck {
  private static final double MAX_GROWTH = 0.05;
  private static final double MIB = 1 << 20;

  private SoakCheck() {}

  /**
   * Runs the check.
   *
   * @param args model file, input file, and optionally calls, warm-up calls and the CAM layer
   * @throws IOException if a file cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: SoakCheck MODEL.pt X.npy [calls=10000] [warmup=2000] [layer]");
      System.exit(2);
    }
    int calls = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 2_000;
    String layer = args.length > 4 ? args[4] : "conv3";
    // as the CLI and the Spark executors run (-Dibex.native-allocator=system for glibc's defaults)
    System.out.println(
        "native_allocator=" + (NativeAllocator.keepFreedBlocks() ? "kept" : "system"));
    Plugins plugins = Plugins.discover(SoakCheck.class.getClassLoader());
    Attributor saliency = plugins.attributor("saliency");
    Attributor gradCam = plugins.attributor("grad-cam");
    Options saliencyOptions = saliency.options().defaults();
    Options camOptions = gradCam.options().defaults().with("layer", layer);
    boolean pass;
    try (TorchScriptModel model =
            TorchScriptModel.load(Path.of(args[0]), Device.cpu(), List.of(layer));
        NDManager caller = model.manager().newSubManager()) {
      NDArray x = Npy.read(Path.of(args[1]), caller);
      int arraysBefore = arrays(caller);
      long warm = 0;
      long liveWarm = 0;
      long heapWarm = 0;
      long maxAfterWarmup = 0;
      long start = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        Attribution a =
            i % 2 == 0
                ? saliency.attribute(model, x, Target.ofClass(3), saliencyOptions)
                : gradCam.attribute(model, x, Target.predicted(), camOptions);
        a.values().close();
        if (i + 1 == warmup) {
          warm = ProcessMemory.residentBytes();
          liveWarm = live();
          heapWarm = heapUsedAfterGc();
        }
        if (i + 1 > warmup) {
          maxAfterWarmup = Math.max(maxAfterWarmup, ProcessMemory.residentBytes());
        }
        if ((i + 1) % Math.max(1, calls / 10) == 0) {
          System.out.printf(
              Locale.ROOT,
              "calls=%d rss=%.1f MiB live_native=%.1f MiB seconds=%.1f load=%s%n",
              i + 1,
              ProcessMemory.residentBytes() / MIB,
              live() / MIB,
              (System.nanoTime() - start) / 1e9,
              ProcessMemory.loadAverage());
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long heapEnd = heapUsedAfterGc();
      long end = ProcessMemory.residentBytes();
      long liveEnd = live();
      int left = arrays(caller) - arraysBefore;
      double growth = (end - warm) / (double) warm;
      pass = growth < MAX_GROWTH && left == 0;
      System.out.printf(
          Locale.ROOT,
          "soak: calls=%d warmup=%d seconds=%.1f calls_per_s=%.0f rss_after_warmup=%.1f MiB"
              + " rss_end=%.1f MiB growth=%.2f%% max_rss_after_warmup=%.1f MiB"
              + " live_native=%.1f->%.1f MiB heap_after_gc=%.1f->%.1f MiB"
              + " arrays_left_on_caller=%d load=%s %s%n",
          calls,
          warmup,
          seconds,
          calls / seconds,
          warm / MIB,
          end / MIB,
          100 * growth,
          maxAfterWarmup / MIB,
          liveWarm / MIB,
          liveEnd / MIB,
          heapWarm / MIB,
          heapEnd / MIB,
          left,
          ProcessMemory.loadAverage(),
          pass ? "PASS" : "FAIL");
    }
    System.exit(pass ? 0 : 1);
  }

  /** Live native heap bytes, or -1 where they cannot be read. */
  private static long live() {
    return MemoryBudget.liveNativeBytes().orElse(-1);
  }

  private static int arrays(NDManager m) {
    return ((BaseNDManager) m).getManagedArrays().size();
  }

  private static long heapUsedAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
