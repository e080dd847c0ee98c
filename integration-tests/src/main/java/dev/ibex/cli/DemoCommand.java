package dev.ibex.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.ibex.api.host.Ibex;
import dev.ibex.demo.AibExperiment;
import dev.ibex.demo.SibConfig;
import dev.ibex.demo.SibExperiment;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code demo}: experiment S-IB of issue 13 end to end. Fashion-MNIST garments on textured canvases
 * whose texture is a spurious cue for the class ({@link dev.ibex.demo.CuedScenes}); the residual
 * CNN trained plain and with {@code s-ib} (weights chosen on validation) for three seeds; accuracy
 * in distribution and with the cue shuffled; six attribution methods scored against the exact
 * object masks and by insertion/deletion; a self-contained {@code index.html} and {@code
 * results.json}.
 */
@Command(
    name = "demo",
    header =
        "demo - experiment S-IB: plain vs s-ib on garments with a spurious background cue, 3 seeds, a report")
final class DemoCommand extends Subcommand {
  /** Test images shown on the page (all evaluated images are scored). */
  static final int SHOWN = 6;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "ibex-demo",
      description = "where index.html and results.json go (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(
      names = "--quick",
      description =
          "a small run (CI): 1024 images, 2 epochs, 1 seed, one s-ib candidate, 16 scored")
  boolean quick;

  @Option(
      names = "--epochs",
      paramLabel = "E",
      converter = ValueConverters.AtLeastOne.class,
      description = "default: 4 (quick: 2)")
  Integer epochs;

  @Option(
      names = "--train-size",
      paramLabel = "N",
      converter = ValueConverters.AtLeastOne.class,
      description = "training images (default: 4000, quick: 1024)")
  Integer trainSize;

  @Option(
      names = "--test-size",
      paramLabel = "N",
      converter = ValueConverters.AtLeastOne.class,
      description = "test images (default: 1000, quick: 200)")
  Integer testSize;

  @Option(
      names = "--eval-size",
      paramLabel = "N",
      converter = ValueConverters.AtLeastOne.class,
      description = "test images explained and scored (default: 48, quick: 16)")
  Integer evalSizeOption;

  @Option(
      names = "--seeds",
      paramLabel = "K",
      converter = ValueConverters.AtLeastOne.class,
      description = "training seeds S, S+1, ... (default: 3, quick: 1)")
  Integer seedCount;

  @Option(
      names = "--threads",
      paramLabel = "T",
      converter = ValueConverters.AtLeastOne.class,
      defaultValue = "1",
      description =
          "libtorch threads (default: ${DEFAULT-VALUE}: on a shared 2-core machine one is fastest)")
  int threads;

  @Mixin SeedOption seed;

  @Option(
      names = "--sib-set",
      paramLabel = "key=value",
      description =
          "an s-ib option (see list); given, these options replace the weight candidates; repeatable")
  Map<String, String> sibOptions = new LinkedHashMap<>();

  @Override
  public void run(Host host) throws Exception {
    Ibex ibex = host.ibex();
    Ibex.options(ibex.plugins().regularizer("s-ib"), sibOptions); // fail early on a bad option
    SibConfig config = config();
    Files.createDirectories(out);
    Engine.getEngine("PyTorch");
    int threadsBefore = JniUtils.getNumThreads();
    JniUtils.setNumThreads(threads);
    try {
      runExperiment(host, ibex, config);
    } finally {
      JniUtils.setNumThreads(threadsBefore); // an in-process caller keeps its own setting
    }
  }

  private void runExperiment(Host host, Ibex ibex, SibConfig config) throws IOException {
    long t0 = System.nanoTime();
    Map<String, Object> machineAtStart = DemoReport.machine(threads);
    host.out()
        .println(
            "ibex demo: experiments S-IB (plain vs s-ib) and AIB (plain vs aib; "
                + config.seeds().size()
                + " seed(s), "
                + config.epochs()
                + " epoch(s)); report in "
                + out.toAbsolutePath());
    PrintStream console = host.out();
    Consumer<String> progress =
        line -> console.printf(Locale.ROOT, "[%5.0f s] %s%n", (System.nanoTime() - t0) / 1e9, line);
    AibExperiment aib = new AibExperiment(ibex, config, progress, ProgressPrinter.to(console));
    SibExperiment.Outcome outcome =
        new SibExperiment(ibex, config, progress, ProgressPrinter.to(console))
            .sharePlainModels(aib)
            .run();
    DemoReport report =
        new DemoReport(
            ibex,
            config,
            outcome,
            aib.outcome(),
            machineAtStart,
            DemoReport.machine(threads),
            quick);
    report.writeJson(out.resolve("results.json"));
    report.page().write(out.resolve("index.html"));
    host.out()
        .printf(
            Locale.ROOT,
            "wrote %s and %s (%.0f s)%n",
            out.resolve("index.html"),
            out.resolve("results.json"),
            (System.nanoTime() - t0) / 1e9);
  }

  private SibConfig config() {
    SibConfig base = quick ? SibConfig.quick(seed.value) : SibConfig.full(seed.value);
    int k = or(seedCount, base.seeds().size());
    List<Long> seeds = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      seeds.add(seed.value + i);
    }
    int test = or(testSize, base.testSize());
    return new SibConfig(
        or(trainSize, base.trainSize()),
        base.validSize(),
        test,
        Math.min(or(evalSizeOption, base.evalSize()), test),
        base.shown(),
        or(epochs, base.epochs()),
        base.batchSize(),
        base.learningRate(),
        base.width(),
        base.canvas(),
        base.cue(),
        seed.value,
        seeds,
        sibOptions.isEmpty() ? base.candidates() : List.of(Map.copyOf(sibOptions)),
        base.selectionSize(),
        base.curveSteps(),
        base.igSteps());
  }

  private static int or(Integer given, int otherwise) {
    return given != null ? given : otherwise;
  }
}
