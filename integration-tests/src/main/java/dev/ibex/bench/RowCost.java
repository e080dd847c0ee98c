package dev.ibex.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Target;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.options.Options;
import dev.ibex.api.plugins.Plugins;
import dev.ibex.api.spi.MemoryBudget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one row of a batch-expanding method costs on a model, as {@link MemoryBudget} calibrates it
 * (not a test): runs the method once, explaining class 1, and prints each calibrated kind of row
 * with its cost and the rows per chunk the method's budget gives.
 *
 * <p>Usage: {@code RowCost MODEL.pt X.npy METHOD [key=value]...}.
 */
public final class RowCost {
  private static final double MIB = 1 << 20;

  private RowCost() {}

  /**
   * Runs the method and prints the calibrations.
   *
   * @param args model, input, method and its options
   * @throws IOException if a file cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: RowCost MODEL.pt X.npy METHOD [key=value]...");
      System.exit(2);
    }
    Attributor method = Plugins.discover(RowCost.class.getClassLoader()).attributor(args[2]);
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 3; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      given.put(kv[0], kv[1]);
    }
    Options o = method.options().parse(given);
    long budget = (long) o.getInt("memory-budget") << 20;
    try (TorchScriptModel model = TorchScriptModel.load(Path.of(args[0]), Device.cpu(), List.of());
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(Path.of(args[1]), m);
      long t0 = System.nanoTime();
      Attribution a = method.attribute(model, x, Target.ofClass(1), o);
      double seconds = (System.nanoTime() - t0) / 1e9;
      MemoryBudget.calibrations(model)
          .forEach(
              (kind, cost) ->
                  System.out.printf(
                      Locale.ROOT,
                      "row_cost kind=\"%s\" mib_per_row=%.2f rows_per_chunk=%d at %d MiB"
                          + " seconds=%.1f passes=%d/%d%n",
                      kind,
                      cost / MIB,
                      MemoryBudget.rows(budget, cost, Long.MAX_VALUE),
                      budget >> 20,
                      seconds,
                      a.forwardPasses(),
                      a.backwardPasses()));
    }
  }
}
