package dev.ibex.training;

import ai.djl.ndarray.NDManager;
import dev.ibex.api.plugins.Plugins;
import dev.ibex.training.data.LabeledImages;
import dev.ibex.training.models.SmallCnn;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark (not a test): time of an S-IB training step against a plain step, same model, batch and
 * data, after a warm-up. Usage: {@code SibBenchmark [data=fashion-scenes] [batch=64] [steps=40] [width=16]}.
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
    LabeledImages train = TrainingRecipe.data(data, true, batch * steps, 1);
    Plugins plugins = Plugins.discover(SibBenchmark.class.getClassLoader());
    System.out.printf(Locale.ROOT, "data=%s %s batch=%d steps=%d width=%d threads=%s%n", data, train.imageShape(), batch, steps,
        width, Runtime.getRuntime().availableProcessors());
    double plain = msPerStep(train, batch, steps, width, plugins, null);
    for (String[] run : List.of(new String[] {"plain", null}, new String[] {"s-ib", "1"}, new String[] {"s-ib interval=4", "4"})) {
      double ms = run[1] == null ? plain : msPerStep(train, batch, steps, width, plugins, Map.of("interval", run[1]));
      System.out.printf(Locale.ROOT, "%-16s %8.1f ms/step  x%.2f%n", run[0], ms, ms / plain);
    }
  }

  private static double msPerStep(LabeledImages train, int batch, int steps, int width, Plugins plugins, Map<String, String> sib) {
    try (NDManager m = NDManager.newBaseManager()) {
      Trainer.Builder b = Trainer.builder(SmallCnn.create(10, width), m).batchSize(batch).epochs(2).maxBatchesPerEpoch(steps).seed(1);
      if (sib != null) {
        b.regularizer(plugins, "s-ib", sib);
      }
      try (Trainer t = b.build()) {
        List<EpochReport> r = t.fit(train, null); // epoch 1 warms up, epoch 2 is timed
        return r.get(1).seconds() * 1000 / steps;
      }
    }
  }
}
