package dev.ibex.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.ibex.api.host.Ibex;
import dev.ibex.demo.AibExperiment;
import dev.ibex.demo.SibConfig;
import dev.ibex.demo.SibExperiment;
import dev.ibex.demo.clip.NibConfig;
import dev.ibex.demo.clip.NibExperiment;
import dev.ibex.demo.clip.NibOutcome;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
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
 * {@code demo}: the three papers' experiments of issue 13 end to end, one report. S-IB and AIB:
 * Fashion-MNIST garments on textured canvases whose texture is a spurious cue for the class ({@link
 * dev.ibex.demo.CuedScenes}); the residual CNN trained plain, with {@code s-ib} (weights chosen on
 * validation) and with {@code aib} for three seeds (the plain runs shared); accuracy in
 * distribution and with the cue shuffled; six attribution methods scored against the exact object
 * masks and by insertion/deletion; AIB's interpretability score. NIB: a CLIP-like model trained
 * contrastively on captioned garment scenes, eight methods on both towers ({@link
 * dev.ibex.demo.clip.NibExperiment}). A self-contained {@code index.html} and {@code results.json}.
 */
@Command(
    name = "demo",
    header = "demo - the papers' experiments S-IB, AIB and NIB on models trained here; one report")
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
      description = "default: 3 (quick: 2)")
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
      description =
          "libtorch threads (default: the cores the machine's load leaves idle, at least 1; two"
              + " threads on cores other jobs use are many times slower than one)")
  Integer threadsOption;

  private int threads;

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
    threads = threadsOption != null ? threadsOption : idleCores();
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
            "ibex demo: experiments S-IB, AIB and NIB ("
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
    NibOutcome nib = new NibExperiment(ibex, nibConfig(), progress).run();
    DemoReport report =
        new DemoReport(
            ibex,
            config,
            outcome,
            aib.outcome(),
            nib,
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

  /**
   * The cores the 1-minute load average leaves idle, at least one: OpenMP threads that share a core
   * with another busy process spin against it (a quick run took 15 min instead of 1).
   */
  static int idleCores() {
    int cores = Runtime.getRuntime().availableProcessors();
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? 1 : Math.max(1, Math.min(cores, (int) Math.floor(cores - load + 0.5)));
  }

  private NibConfig nibConfig() {
    return quick ? NibConfig.quick(seed.value) : NibConfig.full(seed.value);
  }

  private static int or(Integer given, int otherwise) {
    return given != null ? given : otherwise;
  }
}
