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
 * time per batch (median of the repeats) and forward/backward passes per image.
 */
final class BenchCommand implements Command {
  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String usage() {
    return "bench --model M.pt --method NAME (--input X.npy | --shape CxHxW) [--batch B] [--repeat R]\n"
        + "      [--warmup W] [--layer L] [--target K | --cosine-to E.npy] [--entry METHOD] [--tail-takes-input]\n"
        + "      [--set key=value]...";
  }

  @Override
  public void run(Host host, List<String> args) throws Exception {
    Args a = Args.parse(name(), args, AttributionSetup.BENCH_ARGS, AttributionSetup.FLAGS);
    Attributor attributor = host.plugins().attributor(a.require("--method"));
    Options options = AttributionSetup.options(attributor, a);
    int batch = a.intValue("--batch", 8);
    int repeat = a.intValue("--repeat", 5);
    int warmup = a.intValue("--warmup", 1, 0);
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
      host.err().println("bench " + attributor.name() + " on " + model.device() + ", batch " + batch
          + ", " + warmup + " warm-up + " + repeat + " timed runs");
      for (int i = 0; i < warmup; i++) {
        try (NDManager run = manager.newSubManager()) {
          Host.attribute(attributor, model, x, target, options).values().attach(run);
        }
      }
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
          "method=%s device=%s batch=%d input=%s median_ms=%.2f images_per_s=%.2f forward_per_image=%.2f backward_per_image=%.2f%n",
          attributor.name(), model.device(), batch, x.getShape().slice(1), median, batch * 1000.0 / median,
          last.forwardPassesPerSample(), last.backwardPassesPerSample());
    }
  }

  static Shape parseShape(String text) {
    try {
      return new Shape(Arrays.stream(text.split("x")).mapToLong(Long::parseLong).toArray());
    } catch (NumberFormatException e) {
      throw new UsageException("--shape must look like 3x32x32, got '" + text + "'");
    }
  }
}
