package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Target;
import dev.ibex.api.host.Explanation;
import dev.ibex.api.host.Ibex;
import dev.ibex.api.host.Pipeline;
import dev.ibex.api.io.AtomicFiles;
import dev.ibex.api.model.BlockModel;
import dev.ibex.demo.FashionMnist;
import dev.ibex.demo.TrainingRecipe;
import dev.ibex.training.engine.LearningRateSchedule;
import dev.ibex.training.engine.OptimizerKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the S-IB experiment end to end on data with known object masks. Trains the small
 * CNN on the Fashion-MNIST scenes without and with {@code s-ib} (same seed, data and schedule),
 * explains the test images with Grad-CAM and saliency, scores the maps with localisation and
 * faithfulness metrics, and writes an HTML report with heatmaps, a TSV of the numbers and the
 * console log.
 */
@Command(
    name = "demo",
    header =
        "demo - the S-IB experiment: plain vs s-ib training, maps scored against object masks, a report")
final class DemoCommand extends Subcommand {
  /**
   * Grad-CAM's layer in the small CNN: the ReLU after its last convolution (14x14 on 56x56 scenes).
   */
  static final String CAM_LAYER = "08LambdaBlock";

  static final List<String> METHODS = List.of("grad-cam", "saliency");

  /** Test images shown on the page (all evaluated images are scored). */
  static final int SHOWN = 6;

  static final List<String> METRICS =
      List.of("pointing-game", "relevance-mass", "miou", "insertion", "deletion");

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "ibex-demo",
      description = "where index.html, its PNGs and results.tsv go (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--quick", description = "a small run: 1 epoch on 1000 images, 32 scored")
  boolean quick;

  @Option(
      names = "--epochs",
      paramLabel = "E",
      converter = ValueConverters.AtLeastOne.class,
      description = "default: 3 (quick: 1)")
  Integer epochs;

  @Option(
      names = "--train-size",
      paramLabel = "N",
      converter = ValueConverters.AtLeastOne.class,
      description = "training images (default: 6000, quick: 1000)")
  Integer trainSize;

  @Option(
      names = "--test-size",
      paramLabel = "N",
      converter = ValueConverters.AtLeastOne.class,
      description = "test images (default: 1000, quick: 100)")
  Integer testSize;

  @Option(
      names = "--eval-size",
      paramLabel = "N",
      converter = ValueConverters.AtLeastOne.class,
      description = "test images explained and scored (default: 200, quick: 32)")
  Integer evalSizeOption;

  @Mixin SeedOption seed;

  @Option(
      names = "--sib-set",
      paramLabel = "key=value",
      description = "an s-ib option (see list), e.g. form=linear; repeatable")
  Map<String, String> sibOptions = new LinkedHashMap<>();

  @Override
  public void run(Host host) throws Exception {
    Ibex ibex = host.ibex();
    Ibex.options(ibex.plugins().regularizer("s-ib"), sibOptions); // fail early on a bad option
    // one pipeline per method: the attribution once, then every metric on it
    Map<String, Pipeline> pipelines = new LinkedHashMap<>();
    for (String method : METHODS) {
      Pipeline p =
          ibex.pipeline(method, method.equals("grad-cam") ? Map.of("layer", CAM_LAYER) : Map.of());
      for (String metric : METRICS) {
        p = p.metric(metric, Map.of());
      }
      pipelines.put(method, p);
    }
    TrainingRecipe.Config config = config();
    int evalSize = Math.min(or(evalSizeOption, quick ? 32 : 200), config.testSize());
    Files.createDirectories(out);
    host.out()
        .println(
            "ibex demo: small CNN on Fashion-MNIST scenes (56x56, object masks), plain vs s-ib; "
                + config.epochs()
                + " epoch(s) on "
                + config.trainSize()
                + " images; report in "
                + out.toAbsolutePath());
    StringBuilder tsv =
        new StringBuilder("model\ttest-accuracy\tmethod\tmetric\tvalue\tdirection\tscored\n");
    Map<String, Double> accuracy = new LinkedHashMap<>();
    Map<String, Map<String, Explanation>> explained = new LinkedHashMap<>();
    Map<String, int[]> predicted = new LinkedHashMap<>();
    int[] trueClasses = null;
    int shown = Math.min(SHOWN, evalSize);
    try (NDManager manager = NDManager.newBaseManager(host.device())) {
      NDArray x = null;
      for (String variant : List.of("plain", "s-ib")) {
        host.out().println("== training " + variant);
        long t0 = System.nanoTime();
        TrainingRecipe.Result run =
            TrainingRecipe.train(
                manager,
                config,
                ibex.plugins(),
                variant.equals("plain") ? Map.of() : Map.of("s-ib", sibOptions),
                ProgressPrinter.to(host.out()),
                null,
                false);
        host.out()
            .printf(
                Locale.ROOT,
                "%s: test accuracy %.4f (%d images), trained in %.0f s%n",
                variant,
                run.testAccuracy(),
                run.test().size(),
                (System.nanoTime() - t0) / 1e9);
        accuracy.put(variant, run.testAccuracy());
        int[] idx = run.test().indices(0, evalSize);
        x = run.test().images(manager, idx);
        NDArray masks = run.test().masks(manager, idx).orElseThrow().squeeze(1);
        trueClasses = run.test().labels(manager, idx).toType(DataType.INT32, false).toIntArray();
        Target labels = Target.perSample(trueClasses);
        try (BlockModel model = BlockModel.of(run.model(), manager)) {
          // the classes each model predicts for the images shown on the page
          try (NDManager scratch = manager.newSubManager()) {
            NDArray logits = model.forward(x.get(new NDIndex("0:" + shown)));
            logits.attach(scratch);
            predicted.put(variant, logits.argMax(1).toType(DataType.INT32, false).toIntArray());
          }
          Map<String, Explanation> byMethod = new LinkedHashMap<>();
          explained.put(variant, byMethod);
          for (String method : METHODS) {
            Explanation e = pipelines.get(method).run(model, x, labels, masks);
            byMethod.put(method, e);
            for (String name : METRICS) {
              MetricResult r = e.score(name);
              tsv.append(
                  String.format(
                      Locale.ROOT,
                      "%s\t%.4f\t%s\t%s\t%.4f\t%s\t%d%n",
                      variant,
                      run.testAccuracy(),
                      method,
                      name,
                      r.value(),
                      r.direction(),
                      r.perSample().length - r.skipped()));
              host.out()
                  .printf(
                      Locale.ROOT, "  %-8s %-10s %-15s %.4f%n", variant, method, name, r.value());
            }
          }
        }
      }
      AtomicFiles.write(
          out.resolve("results.tsv"), tsv.toString().getBytes(StandardCharsets.UTF_8));
      writeReport(ibex, config, evalSize, accuracy, explained, x, trueClasses, predicted);
    }
    host.out().println("wrote " + out.resolve("index.html") + " and " + out.resolve("results.tsv"));
  }

  private TrainingRecipe.Config config() {
    return new TrainingRecipe.Config(
        "fashion-scenes",
        or(trainSize, quick ? 1000 : 6000),
        or(testSize, quick ? 100 : 1000),
        or(epochs, quick ? 1 : 3),
        64,
        0,
        3e-3f,
        OptimizerKind.ADAM,
        LearningRateSchedule.COSINE,
        seed.value,
        16);
  }

  private static int or(Integer given, int otherwise) {
    return given != null ? given : otherwise;
  }

  /** index.html: the scores, what each metric measures, and the shown images with their maps. */
  private void writeReport(
      Ibex ibex,
      TrainingRecipe.Config config,
      int evalSize,
      Map<String, Double> accuracy,
      Map<String, Map<String, Explanation>> explained,
      NDArray x,
      int[] trueClasses,
      Map<String, int[]> predicted)
      throws IOException {
    List<ImageRow> images = new ArrayList<>();
    for (int i = 0; i < predicted.values().iterator().next().length; i++) {
      List<ReportPage.Figure> figures = new ArrayList<>();
      for (String method : METHODS) {
        for (String variant : explained.keySet()) {
          String file = variant + "-" + method + "-" + i + ".png";
          NDArray map = explained.get(variant).get(method).attribution().values();
          Heatmaps.Range range =
              Heatmaps.overlay(x.get(i), Heatmaps.displayMap(map, i), 4, out.resolve(file));
          figures.add(
              new ReportPage.Figure(
                  file, List.of(variant + ", " + method, "map range " + range.text())));
        }
      }
      Map<String, String> byVariant = new LinkedHashMap<>();
      for (var p : predicted.entrySet()) {
        byVariant.put(p.getKey(), className(p.getValue()[i]));
      }
      images.add(new ImageRow(i, className(trueClasses[i]), byVariant, figures));
    }
    Map<String, Map<String, Map<String, Double>>> scores = new LinkedHashMap<>();
    explained.forEach(
        (variant, byMethod) ->
            byMethod.forEach(
                (method, e) -> {
                  Map<String, Double> values = new LinkedHashMap<>();
                  e.scores().forEach((metric, r) -> values.put(metric, r.value()));
                  scores.computeIfAbsent(variant, k -> new LinkedHashMap<>()).put(method, values);
                }));
    List<MetricLine> metricLines = new ArrayList<>();
    for (String name : METRICS) {
      Metric metric = ibex.plugins().metric(name);
      metricLines.add(new MetricLine(name, metric.description(), metric.direction()));
    }
    String intro =
        String.format(
            Locale.ROOT,
            "Small CNN trained %d epoch(s) on %d Fashion-MNIST scenes (56x56, one garment on clutter, object mask known), "
                + "with and without the S-IB regulariser (options %s), same seed. Maps of the first %d test images "
                + "(explaining the true class) scored against the object masks and with insertion/deletion; the first %d "
                + "are shown below.",
            config.epochs(),
            config.trainSize(),
            sibOptions.isEmpty() ? "default" : sibOptions,
            evalSize,
            images.size());
    demoPage(intro, accuracy, scores, metricLines, images).write(out.resolve("index.html"));
  }

  /** One test image on the page: its true class, what each model predicts, and its heatmaps. */
  record ImageRow(
      int index,
      String trueClass,
      Map<String, String> predicted,
      List<ReportPage.Figure> figures) {}

  /**
   * The demo's page: the table of scores, one line per metric (what it measures, which way is
   * better), the colour bar, and each shown image with its class and the models' predictions.
   */
  static ReportPage demoPage(
      String intro,
      Map<String, Double> accuracy,
      Map<String, Map<String, Map<String, Double>>> scores,
      List<MetricLine> metricLines,
      List<ImageRow> images) {
    List<String> header = new ArrayList<>(List.of("model", "test accuracy", "method"));
    Map<String, String> arrows = new LinkedHashMap<>();
    List<ReportPage.Definition> definitions = new ArrayList<>();
    for (MetricLine m : metricLines) {
      boolean lower = m.direction() == Direction.LOWER_IS_BETTER;
      arrows.put(m.name(), lower ? " \u2193" : " \u2191");
      definitions.add(
          new ReportPage.Definition(
              m.name(), m.description() + "; " + (lower ? "lower" : "higher") + " is better"));
    }
    List<String> metricNames =
        new ArrayList<>(scores.values().iterator().next().values().iterator().next().keySet());
    metricNames.forEach(m -> header.add(m + arrows.getOrDefault(m, "")));
    List<ReportPage.Row> rows = new ArrayList<>();
    scores.forEach(
        (variant, byMethod) ->
            byMethod.forEach(
                (method, byMetric) -> {
                  List<String> row =
                      new ArrayList<>(
                          List.of(
                              variant,
                              String.format(Locale.ROOT, "%.4f", accuracy.get(variant)),
                              method));
                  metricNames.forEach(
                      m -> row.add(String.format(Locale.ROOT, "%.4f", byMetric.get(m))));
                  rows.add(ReportPage.Row.of(row));
                }));
    List<ReportPage.FigureGroup> groups = new ArrayList<>();
    for (ImageRow im : images) {
      StringBuilder caption =
          new StringBuilder(
              "Test image " + im.index() + ": class " + im.trueClass() + "; predicted");
      im.predicted()
          .forEach(
              (variant, cls) ->
                  caption.append(" by ").append(variant).append(": ").append(cls).append(','));
      caption.setLength(caption.length() - 1);
      groups.add(new ReportPage.FigureGroup(caption.toString(), im.figures()));
    }
    return new ReportPage(
        "demo",
        Map.of(
            "title",
            "ibex demo: plain vs S-IB",
            "intro",
            intro,
            "header",
            header,
            "rows",
            rows,
            "metrics",
            definitions,
            "images",
            groups,
            "colourBar",
            new ReportPage.ColourBar(
                "map minimum",
                "map maximum",
                Heatmaps.MAP_MEANING + " Maps explain the true class.")));
  }

  /** A metric's line on the page: what it measures and which way is better. */
  record MetricLine(String name, String description, Direction direction) {}

  private static String className(int label) {
    return label >= 0 && label < FashionMnist.CLASS_NAMES.length
        ? FashionMnist.CLASS_NAMES[label]
        : "class " + label;
  }
}
