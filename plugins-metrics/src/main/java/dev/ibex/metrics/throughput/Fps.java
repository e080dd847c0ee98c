package dev.ibex.metrics.throughput;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attribution;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.spi.AbstractMetric;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.Scores;

/**
 * Frames per second of an attributor (NIB, Zhu et al. ICLR 2025, Table 2): the attributor explains
 * the whole input batch {@code repeats} times after {@code warmup} untimed runs; {@code fps =
 * N·repeats / wall seconds of the timed runs}. The value is a measurement of this machine, not a
 * property of the attribution. A batch-level metric (no per-sample scores). Extras: {@code seconds}
 * (wall time of each timed run), {@code samples} (N), {@code warmup-runs}, {@code
 * forward-passes-per-sample} and {@code backward-passes-per-sample} (of the last run, as NIB's
 * Table 8 counts them). Higher is better.
 */
@AutoService(Metric.class)
public final class Fps extends AbstractMetric {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.integer("warmup", 1, "untimed runs before timing").withRange(0, 1000),
          OptionSpec.integer("repeats", 3, "timed runs").withRange(1, 100_000));

  public Fps() {
    super(
        "fps",
        "Samples explained per second by the attributor, warm-up excluded (NIB Table 2)",
        Direction.HIGHER_IS_BETTER,
        ATTRIBUTOR_RUN,
        OPTIONS);
  }

  @Override
  protected Scores compute(MetricContext ctx) {
    Options o = ctx.options();
    int n = (int) ctx.inputs().getShape().get(0);
    for (int i = 0; i < o.getInt("warmup"); i++) {
      run(ctx);
    }
    double[] seconds = new double[o.getInt("repeats")];
    double total = 0;
    double[] passes = null;
    for (int i = 0; i < seconds.length; i++) {
      long t0 = System.nanoTime();
      passes = run(ctx);
      seconds[i] = (System.nanoTime() - t0) / 1e9;
      total += seconds[i];
    }
    return Scores.batch(n * seconds.length / total)
        .extra("seconds", seconds)
        // what was measured, for hosts that print a batch-level value (it has no per-sample scores)
        .extra("samples", new double[] {n})
        .extra("warmup-runs", new double[] {o.getInt("warmup")})
        .extra("forward-passes-per-sample", new double[] {passes[0]})
        .extra("backward-passes-per-sample", new double[] {passes[1]});
  }

  /** One attribution of the batch; returns its forward and backward passes per sample. */
  private static double[] run(MetricContext ctx) {
    try (NDManager m = ctx.scratch().newSubManager()) {
      NDArray x = ctx.local(ctx.inputs(), m);
      Attribution a = ctx.attribute(x, ctx.target());
      a.values().toFloatArray(); // force the computation to finish before the clock stops
      return new double[] {a.forwardPassesPerSample(), a.backwardPassesPerSample()};
    }
  }
}
