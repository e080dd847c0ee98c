package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Attribution;
import dev.ibex.api.Target;
import dev.ibex.api.host.Pipeline;
import dev.ibex.api.model.TorchScriptModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code bench}: throughput of an attributor on a model, warm-up excluded: images per second, wall
 * time per batch (median of the repeats) and forward/backward passes per image. Without {@code
 * --warmup} it warms up until stable (one warm-up run measured a fifth of the warm rate); the
 * output says how many warm-up runs it took.
 */
@Command(
    name = "bench",
    header =
        "bench - throughput of a method on a model: images/s, median ms per batch, passes per image")
final class BenchCommand extends Subcommand {
  /** Warm-up until stable: at least this many runs, ... */
  static final int MIN_WARMUP = 3;

  /**
   * ... then until this many runs in a row are within STEADY_TOLERANCE of the fastest so far, ...
   */
  static final int STEADY_RUNS = 3;

  static final double STEADY_TOLERANCE = 1.10;

  /**
   * ... giving up after this many runs or this long (a method slower than that is warm after its
   * first runs).
   */
  static final int MAX_WARMUP = 100;

  static final long MAX_WARMUP_NANOS = 10_000_000_000L;

  @Mixin ModelOptions model;

  @Mixin MethodOptions method;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Batch source;

  @Option(
      names = "--batch",
      paramLabel = "B",
      defaultValue = "8",
      converter = ValueConverters.AtLeastOne.class,
      description = "images per batch (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--repeat",
      paramLabel = "R",
      defaultValue = "5",
      converter = ValueConverters.AtLeastOne.class,
      description = "timed runs; the median is reported (default: ${DEFAULT-VALUE})")
  int repeat;

  @Option(
      names = "--warmup",
      paramLabel = "W",
      converter = ValueConverters.AtLeastZero.class,
      description =
          "untimed runs first (default: until 3 runs in a row are within 10%% of the fastest, at most 100 runs or 10 s)")
  Integer fixedWarmup;

  @ArgGroup(exclusive = true)
  TargetOptions target = new TargetOptions();

  /** Where the batch comes from: rows of a file, or random normal pixels of a shape. */
  static final class Batch {
    @Option(
        names = "--input",
        paramLabel = "X.npy",
        description = "take the batch from these samples (repeated as needed)")
    Path input;

    @Option(
        names = "--shape",
        paramLabel = "CxHxW",
        converter = ShapeConverter.class,
        description = "a random normal batch of this sample shape, e.g. 3x224x224")
    Shape shape;
  }

  /** A sample shape such as {@code 3x32x32}. */
  static final class ShapeConverter implements ITypeConverter<Shape> {
    @Override
    public Shape convert(String text) {
      long[] dims;
      try {
        dims = Arrays.stream(text.split("x", -1)).mapToLong(Long::parseLong).toArray();
      } catch (NumberFormatException e) {
        throw new TypeConversionException("must look like 3x32x32, got '" + text + "'");
      }
      if (Arrays.stream(dims).anyMatch(d -> d < 1)) {
        throw new TypeConversionException("dimensions must be positive, got '" + text + "'");
      }
      return new Shape(dims);
    }
  }

  @Override
  public void run(Host host) throws Exception {
    Pipeline pipeline = method.pipeline(host);
    // default: warm up until stable; the first runs pay for libtorch's lazy set-up and its
    // allocator's growth
    try (TorchScriptModel loaded = model.load(host);
        NDManager manager = loaded.manager().newSubManager()) {
      NDArray x;
      if (source.input != null) {
        NDArray all = TensorFiles.readInput(source.input, manager, loaded);
        long n = all.getShape().get(0);
        NDArray rows = manager.arange(batch).toType(DataType.INT64, false).mod(n);
        x = all.get(rows);
      } else {
        x = manager.randomNormal(new Shape(batch).addAll(source.shape));
        if (TensorFiles.inFloat64(loaded)) {
          x = x.toType(DataType.FLOAT64, false);
        }
      }
      Target explained = target.target(manager);
      host.err()
          .println(
              "bench "
                  + pipeline.attributor().name()
                  + " on "
                  + loaded.device()
                  + ", batch "
                  + batch
                  + ", "
                  + (fixedWarmup == null ? "warm-up until stable" : fixedWarmup + " warm-up")
                  + " + "
                  + repeat
                  + " timed runs");
      int warmup = 0;
      double best = Double.POSITIVE_INFINITY;
      int steady = 0;
      long warmStart = System.nanoTime();
      while (fixedWarmup != null
          ? warmup < fixedWarmup
          : warmup < MIN_WARMUP
              || (steady < STEADY_RUNS
                  && warmup < MAX_WARMUP
                  && System.nanoTime() - warmStart < MAX_WARMUP_NANOS)) {
        try (NDManager run = manager.newSubManager()) {
          Attribution w = pipeline.run(loaded, x, explained).attribution();
          w.values().attach(run);
          double t = w.wallTime().toNanos() / 1e6;
          steady =
              Double.isFinite(best) && t <= best * STEADY_TOLERANCE
                  ? steady + 1
                  : 0; // within 10% of the fastest before it
          best = Math.min(best, t);
        }
        warmup++;
      }
      host.err()
          .printf(
              Locale.ROOT,
              "  %d warm-up runs in %.1f s%n",
              warmup,
              (System.nanoTime() - warmStart) / 1e9);
      double[] ms = new double[repeat];
      Attribution last = null;
      for (int i = 0; i < repeat; i++) {
        try (NDManager run = manager.newSubManager()) {
          last = pipeline.run(loaded, x, explained).attribution();
          last.values().attach(run);
          ms[i] = last.wallTime().toNanos() / 1e6;
          host.err().printf(Locale.ROOT, "  run %d/%d: %.1f ms%n", i + 1, repeat, ms[i]);
        }
      }
      Arrays.sort(ms);
      double median = ms[repeat / 2];
      host.out()
          .printf(
              Locale.ROOT,
              "method=%s device=%s batch=%d input=%s warmup_runs=%d timed_runs=%d median_ms=%.2f images_per_s=%.2f"
                  + " forward_per_image=%.2f backward_per_image=%.2f%n",
              pipeline.attributor().name(),
              loaded.device(),
              batch,
              x.getShape().slice(1),
              warmup,
              repeat,
              median,
              batch * 1000.0 / median,
              last.forwardPassesPerSample(),
              last.backwardPassesPerSample());
    }
  }
}
