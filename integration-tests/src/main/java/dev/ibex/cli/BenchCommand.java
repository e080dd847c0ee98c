package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Target;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.options.Options;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench}: throughput of an attributor on a model, warm-up excluded: images per second, wall
 * time per batch (median of the repeats) and forward/backward passes per image. Without
 * {@code --warmup} it warms up until stable (one warm-up run measured a fifth of the warm rate); the
 * output says how many warm-up runs it took.
 */
final class BenchCommand implements Command {
  /** Warm-up until stable: at least this many runs, ... */
  static final int MIN_WARMUP = 3;
  /** ... then until this many runs in a row are within STEADY_TOLERANCE of the fastest so far, ... */
  static final int STEADY_RUNS = 3;
  static final double STEADY_TOLERANCE = 1.10;
  /** ... giving up after this many runs or this long (a method slower than that is warm after its first runs). */
  static final int MAX_WARMUP = 100;
  static final long MAX_WARMUP_NANOS = 10_000_000_000L;

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String usage() {
    return "bench --model M.pt --method NAME (--input X.npy | --shape CxHxW) [--batch B] [--repeat R]\n"
        + "      [--warmup W] [--layer L] [--target K | --cosine-to E.npy] [--entry METHOD] [--tail-takes-input]\n"
        + "      [--set key=value]...   (default warm-up: until 3 runs in a row are within 10% of the fastest)";
  }

  @Override
  public void run(Host host, List<String> args) throws Exception {
    Args a = Args.parse(name(), args, AttributionSetup.BENCH_ARGS, AttributionSetup.FLAGS);
    Attributor attributor = host.plugins().attributor(a.require("--method"));
    Options options = AttributionSetup.options(attributor, a);
    int batch = a.intValue("--batch", 8);
    int repeat = a.intValue("--repeat", 5);
    // default: warm up until stable; the first runs pay for libtorch's lazy set-up and allocator growth
    Integer fixedWarmup = a.get("--warmup").isPresent() ? a.intValue("--warmup", 0, 0) : null;
    try (TorchScriptModel model = AttributionSetup.model(host, a);
        NDManager manager = model.manager().newSubManager()) {
      NDArray x;
      if (a.get("--input").isPresent()) {
        NDArray all = AttributionSetup.input(Path.of(a.get("--input").get()), manager);
        long n = all.getShape().get(0);
        NDArray rows = manager.arange(batch).toType(ai.djl.ndarray.types.DataType.INT64, false).mod(n);
        x = all.get(rows);
      } else {
        x = manager.randomNormal(new Shape(batch).addAll(parseShape(a.require("--shape"))));
      }
      Target target = AttributionSetup.target(a, manager);
      host.err().println("bench " + attributor.name() + " on " + model.device() + ", batch " + batch + ", "
          + (fixedWarmup == null ? "warm-up until stable" : fixedWarmup + " warm-up") + " + " + repeat + " timed runs");
      int warmup = 0;
      double best = Double.POSITIVE_INFINITY;
      int steady = 0;
      long warmStart = System.nanoTime();
      while (fixedWarmup != null ? warmup < fixedWarmup
          : warmup < MIN_WARMUP || (steady < STEADY_RUNS && warmup < MAX_WARMUP
              && System.nanoTime() - warmStart < MAX_WARMUP_NANOS)) {
        try (NDManager run = manager.newSubManager()) {
          Attribution w = Host.attribute(attributor, model, x, target, options);
          w.values().attach(run);
          double t = w.wallTime().toNanos() / 1e6;
          steady = Double.isFinite(best) && t <= best * STEADY_TOLERANCE ? steady + 1 : 0; // within 10% of the fastest before it
          best = Math.min(best, t);
        }
        warmup++;
      }
      host.err().printf(Locale.ROOT, "  %d warm-up runs in %.1f s%n", warmup, (System.nanoTime() - warmStart) / 1e9);
      double[] ms = new double[repeat];
      Attribution last = null;
      for (int i = 0; i < repeat; i++) {
        try (NDManager run = manager.newSubManager()) {
          last = Host.attribute(attributor, model, x, target, options);
          last.values().attach(run);
          ms[i] = last.wallTime().toNanos() / 1e6;
          host.err().printf(Locale.ROOT, "  run %d/%d: %.1f ms%n", i + 1, repeat, ms[i]);
        }
      }
      Arrays.sort(ms);
      double median = ms[repeat / 2];
      host.out().printf(Locale.ROOT,
          "method=%s device=%s batch=%d input=%s warmup_runs=%d timed_runs=%d median_ms=%.2f images_per_s=%.2f"
              + " forward_per_image=%.2f backward_per_image=%.2f%n",
          attributor.name(), model.device(), batch, x.getShape().slice(1), warmup, repeat, median, batch * 1000.0 / median,
          last.forwardPassesPerSample(), last.backwardPassesPerSample());
    }
  }

  static Shape parseShape(String text) {
    long[] dims;
    try {
      dims = Arrays.stream(text.split("x", -1)).mapToLong(Long::parseLong).toArray();
    } catch (NumberFormatException e) {
      throw new UsageException("--shape must look like 3x32x32, got '" + text + "'");
    }
    if (Arrays.stream(dims).anyMatch(d -> d < 1)) {
      throw new UsageException("--shape dimensions must be positive, got '" + text + "'");
    }
    return new Shape(dims);
  }
}
