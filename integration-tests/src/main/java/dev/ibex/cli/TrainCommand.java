package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.ibex.api.Attribution;
import dev.ibex.api.PluginKind;
import dev.ibex.api.Target;
import dev.ibex.api.host.Ibex;
import dev.ibex.api.io.AtomicFiles;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.model.NativelyExplained;
import dev.ibex.demo.TrainingRecipe;
import dev.ibex.training.engine.EpochReport;
import dev.ibex.training.engine.LearningRateSchedule;
import dev.ibex.training.engine.OptimizerKind;
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
 * {@code train}: trains the small CNN on Fashion-MNIST or the Fashion-MNIST scenes with any
 * regularisers, printing progress, writing DJL {@code .params} checkpoints and a small HTML report
 * with explanation heatmaps of a few test images.
 */
@Command(
    name = "train",
    header =
        "train - train the small CNN on Fashion-MNIST (scenes) with regularisers; checkpoints and a report")
final class TrainCommand extends Subcommand {
  @Option(
      names = "--data",
      paramLabel = "fashion-scenes|fashion-mnist",
      defaultValue = "fashion-scenes",
      description =
          "56x56 scenes with object masks, or the plain 28x28 images (default: ${DEFAULT-VALUE})")
  String data;

  @Option(
      names = "--model",
      paramLabel = "small-cnn",
      defaultValue = "small-cnn",
      description = "the network (default: ${DEFAULT-VALUE})")
  String modelName;

  @Option(
      names = "--epochs",
      paramLabel = "E",
      defaultValue = "3",
      converter = ValueConverters.AtLeastOne.class,
      description = "default: ${DEFAULT-VALUE}")
  int epochs;

  @Option(
      names = "--batch-size",
      paramLabel = "B",
      defaultValue = "64",
      converter = ValueConverters.AtLeastOne.class,
      description = "default: ${DEFAULT-VALUE}")
  int batchSize;

  @Option(
      names = "--max-batches",
      paramLabel = "N",
      defaultValue = "0",
      converter = ValueConverters.AtLeastZero.class,
      description = "stop each epoch after N batches (default: 0, no limit)")
  int maxBatches;

  @Option(
      names = "--lr",
      paramLabel = "RATE",
      defaultValue = "0.003",
      converter = ValueConverters.AboveZero.class,
      description = "learning rate (default: ${DEFAULT-VALUE})")
  double learningRate;

  @Option(
      names = "--optimizer",
      paramLabel = "adam|sgd",
      defaultValue = "adam",
      description = "default: ${DEFAULT-VALUE}")
  OptimizerKind optimizer;

  @Option(
      names = "--schedule",
      paramLabel = "cosine|constant|step",
      defaultValue = "cosine",
      description = "learning-rate schedule (default: ${DEFAULT-VALUE})")
  LearningRateSchedule schedule;

  @Mixin SeedOption seed;

  @Option(
      names = "--train-size",
      paramLabel = "N",
      defaultValue = "6000",
      converter = ValueConverters.AtLeastOne.class,
      description = "training images (default: ${DEFAULT-VALUE})")
  int trainSize;

  @Option(
      names = "--test-size",
      paramLabel = "N",
      defaultValue = "1000",
      converter = ValueConverters.AtLeastOne.class,
      description = "test images (default: ${DEFAULT-VALUE})")
  int testSize;

  @Option(
      names = "--width",
      paramLabel = "W",
      defaultValue = "16",
      converter = ValueConverters.AtLeastOne.class,
      description = "channels of the first convolution (default: ${DEFAULT-VALUE})")
  int width;

  @Option(
      names = "--regularizer",
      paramLabel = "NAME",
      split = ",",
      description = "train with these regularisers, e.g. s-ib, aib or s-ib,aib (see list)")
  List<String> regularizerNames = new ArrayList<>();

  @Option(
      names = "--set",
      paramLabel = "REGULARIZER.key=value",
      description = "an option of a regulariser given with --regularizer (see list); repeatable")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "checkpoints, history.tsv and index.html go here")
  Path out;

  @Option(names = "--resume", description = "continue from the last checkpoint in --out")
  boolean resume;

  @Override
  public void run(Host host) throws Exception {
    if (!modelName.equals("small-cnn")) {
      throw new UsageException("unknown model '" + modelName + "'; known: small-cnn");
    }
    TrainingRecipe.Config config = config();
    Map<String, Map<String, String>> regularizers = regularizers(host);
    Files.createDirectories(out);
    train(host, config, regularizers);
  }

  /**
   * Each regulariser named with --regularizer and its --set options, all checked before anything is
   * created on disk.
   */
  private Map<String, Map<String, String>> regularizers(Host host) {
    Map<String, Map<String, String>> regularizers = new LinkedHashMap<>();
    for (String r : regularizerNames) {
      host.ibex().plugins().regularizer(r); // fail early on an unknown name
      regularizers.put(r, new LinkedHashMap<>());
    }
    for (Map.Entry<String, String> e : settings.entrySet()) {
      int dot = e.getKey().indexOf('.');
      if (dot <= 0 || !regularizers.containsKey(e.getKey().substring(0, dot))) {
        throw new UsageException(
            "--set needs REGULARIZER.key=value for a regularizer given with --regularizer, got '"
                + e.getKey()
                + "'");
      }
      regularizers
          .get(e.getKey().substring(0, dot))
          .put(e.getKey().substring(dot + 1), e.getValue());
    }
    regularizers.forEach(
        (name, opts) -> Ibex.options(host.ibex().plugins().regularizer(name), opts));
    return regularizers;
  }

  private TrainingRecipe.Config config() {
    if (!TrainingRecipe.DATA.contains(data)) {
      throw new UsageException("unknown data '" + data + "'; known: " + TrainingRecipe.DATA);
    }
    return new TrainingRecipe.Config(
        data,
        trainSize,
        testSize,
        epochs,
        batchSize,
        maxBatches,
        (float) learningRate,
        optimizer,
        schedule,
        seed.value,
        width);
  }

  private void train(
      Host host, TrainingRecipe.Config config, Map<String, Map<String, String>> regularizers)
      throws Exception {
    try (NDManager manager = NDManager.newBaseManager(host.device(), "PyTorch")) {
      TrainingRecipe.Result result =
          TrainingRecipe.train(
              manager,
              config,
              host.ibex().plugins(),
              regularizers,
              ProgressPrinter.to(host.out()),
              out,
              resume);
      host.out()
          .printf(
              Locale.ROOT,
              "test accuracy %.4f on %d images; checkpoints in %s%n",
              result.testAccuracy(),
              result.test().size(),
              out);
      report(host, out, config, regularizers, result, manager);
    }
  }

  /** history.tsv, and index.html with heatmaps of four test images (aib-attention or saliency). */
  private static void report(
      Host host,
      Path out,
      TrainingRecipe.Config config,
      Map<String, Map<String, String>> regularizers,
      TrainingRecipe.Result result,
      NDManager manager)
      throws Exception {
    StringBuilder tsv = new StringBuilder("epoch\tterm\tvalue\n");
    StringBuilder intro =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s, regularizers %s, test accuracy %.4f. ",
                config,
                regularizers,
                result.testAccuracy()));
    for (EpochReport r : result.history()) {
      r.terms()
          .forEach(
              (k, v) ->
                  tsv.append(r.epoch()).append('\t').append(k).append('\t').append(v).append('\n'));
      tsv.append(r.epoch()).append("\ttrain-accuracy\t").append(r.trainAccuracy()).append('\n');
      intro.append(r.line()).append(". ");
    }
    AtomicFiles.write(out.resolve("history.tsv"), tsv.toString().getBytes(StandardCharsets.UTF_8));
    Block model = result.model();
    String method = NativelyExplained.attributorFor(model).orElse("saliency");
    if (!host.ibex().plugins().of(PluginKind.ATTRIBUTOR).containsKey(method)) {
      host.out()
          .println("no '" + method + "' attributor available; wrote " + out.resolve("history.tsv"));
      return;
    }
    List<String[]> images = new ArrayList<>();
    try (NDManager scope = manager.newSubManager();
        BlockModel explained = BlockModel.of(model, manager)) {
      int n = Math.min(4, result.test().size());
      NDArray x = result.test().images(scope, result.test().indices(0, n));
      Attribution attribution =
          host.ibex().explain(explained, x, Target.predicted(), method, Map.of());
      int scale = Math.max(1, 224 / (int) x.getShape().get(2));
      for (int i = 0; i < n; i++) {
        String file = method + "-" + i + ".png";
        Heatmaps.overlay(
            x.get(i), Heatmaps.displayMap(attribution.values(), i), scale, out.resolve(file));
        images.add(new String[] {file, "test image " + i + ": input | " + method});
      }
    }
    Heatmaps.page(out, "ibex train", intro.toString(), images);
    host.out().println("wrote " + out.resolve("index.html") + " and " + out.resolve("history.tsv"));
  }
}
