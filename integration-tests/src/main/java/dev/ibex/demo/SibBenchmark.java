package dev.ibex.demo;

import ai.djl.ndarray.NDManager;
import dev.ibex.api.host.NativeAllocator;
import dev.ibex.api.plugins.Plugins;
import dev.ibex.training.engine.EpochReport;
import dev.ibex.training.engine.Trainer;
import dev.ibex.training.engine.TrainerBuilder;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark (not a test): process CPU time of an S-IB training step against a plain step, same
 * model, batch and data, after a warm-up (CPU time, not wall time: it is robust to other load).
 * Usage: {@code SibBenchmark [data=fashion-scenes] [batch=64] [steps=40] [width=16] [rounds=3]
 * [model=small|residual]} ({@link SmallCnn} or the demo's {@link ResidualCnn}).
 */
public final class SibBenchmark {
  private SibBenchmark() {}

  /**
   * Runs the benchmark and prints milliseconds per step.
   *
   * @param args optional: data set, batch size, steps, width
   */
  public static void main(String[] args) {
    String data = args.length > 0 ? args[0] : "fashion-scenes";
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 40;
    int width = args.length > 3 ? Integer.parseInt(args[3]) : 16;
    boolean residual = args.length > 5 && args[5].equals("residual");
    LabeledImages train = TrainingRecipe.data(data, true, batch * steps, 1);
    Plugins plugins = Plugins.discover(SibBenchmark.class.getClassLoader());
    System.out.printf(
        Locale.ROOT,
        "model=%s data=%s %s batch=%d steps=%d width=%d threads=%s native_allocator=%s%n",
        residual ? "residual" : "small",
        data,
        train.imageShape(),
        batch,
        steps,
        width,
        Runtime.getRuntime().availableProcessors(),
        // as the CLI: glibc keeps freed blocks, else the 56² step pays page faults on every tensor
        NativeAllocator.keepFreedBlocks() ? "kept" : "system");
    // configurations run interleaved over several rounds; the fastest round of each is reported,
    // which filters out interference from other processes on a shared machine
    String[][] runs = {
      {"plain", null},
      {"s-ib", "vjp=grad"},
      {"s-ib vjp=backward", "vjp=backward"},
      {"s-ib interval=4", "interval=4"}
    };
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    double[][] ms = new double[runs.length][rounds];
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < runs.length; i++) {
        Map<String, String> options = null;
        if (runs[i][1] != null) {
          String[] kv = runs[i][1].split("=");
          options = Map.of(kv[0], kv[1]);
        }
        ms[i][round] = msPerStep(train, batch, steps, width, residual, plugins, options);
      }
    }
    double plain = min(ms[0]);
    for (int i = 0; i < runs.length; i++) {
      System.out.printf(
          Locale.ROOT,
          "%-18s best %8.1f cpu-ms/step  x%.2f   (rounds: %s)%n",
          runs[i][0],
          min(ms[i]),
          min(ms[i]) / plain,
          java.util.Arrays.toString(
              java.util.Arrays.stream(ms[i]).map(v -> Math.round(v * 10) / 10.0).toArray()));
    }
  }

  private static double min(double[] v) {
    return java.util.Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double msPerStep(
      LabeledImages train,
      int batch,
      int steps,
      int width,
      boolean residual,
      Plugins plugins,
      Map<String, String> sib) {
    try (NDManager m = NDManager.newBaseManager()) {
      TrainerBuilder b =
          Trainer.builder(residual ? ResidualCnn.create(10, width) : SmallCnn.create(10, width), m)
              .batchSize(batch)
              .epochs(2)
              .maxBatchesPerEpoch(steps)
              .seed(1);
      if (sib != null) {
        b.regularizer(plugins, "s-ib", sib);
      }
      try (Trainer t = b.build()) {
        List<EpochReport> r = t.fit(train, null); // epoch 1 warms up, epoch 2 is timed
        return r.get(1).cpuSeconds() * 1000 / steps;
      }
    }
  }
}
