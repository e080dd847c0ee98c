package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Target;
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
import java.util.Set;

/**
 * {@code train}: trains the small CNN on Fashion-MNIST or the Fashion-MNIST scenes with any
 * regularisers, printing progress, writing DJL {@code .params} checkpoints and a small HTML report
 * with explanation heatmaps of a few test images.
 */
final class TrainCommand implements Command {
  private static final Set<String> VALUES = Set.of(
      "--data", "--model", "--epochs", "--batch-size", "--max-batches", "--lr", "--optimizer", "--schedule",
      "--seed", "--train-size", "--test-size", "--width", "--regularizer", "--set", "--out");

  @Override
  public String name() {
    return "train";
  }

  @Override
  public String usage() {
    return "train [--data fashion-scenes|fashion-mnist] [--model small-cnn] [--epochs 3] [--batch-size 64]\n"
        + "        [--max-batches N] [--lr 0.003] [--optimizer adam|sgd] [--schedule cosine|constant|step]\n"
        + "        [--seed 7] [--train-size 6000] [--test-size 1000] [--width 16]\n"
        + "        [--regularizer s-ib|aib|s-ib,aib] [--set s-ib.key=value]... --out DIR [--resume]";
  }

  @Override
  public void run(Host host, List<String> args) throws Exception {
    Args a = Args.parse(name(), args, VALUES, Set.of("--resume"));
    String modelName = a.get("--model").orElse("small-cnn");
    if (!modelName.equals("small-cnn")) {
      throw new UsageException("unknown model '" + modelName + "'; known: small-cnn");
    }
    String data = a.get("--data").orElse("fashion-scenes");
    if (!TrainingRecipe.DATA.contains(data)) {
      throw new UsageException("unknown data '" + data + "'; known: " + TrainingRecipe.DATA);
    }
    TrainingRecipe.Config config = new TrainingRecipe.Config(
        data,
        a.intValue("--train-size", 6000),
        a.intValue("--test-size", 1000),
        a.intValue("--epochs", 3),
        a.intValue("--batch-size", 64),
        a.intValue("--max-batches", 0, 0),
        (float) a.realValue("--lr", 0.003, 0),
        a.choice("--optimizer", OptimizerKind.ADAM, OptimizerKind.class),
        a.choice("--schedule", LearningRateSchedule.COSINE, LearningRateSchedule.class),
        a.longValue("--seed", 7),
        a.intValue("--width", 16));
    Map<String, Map<String, String>> regularizers = new LinkedHashMap<>();
    for (String r : a.get("--regularizer").map(v -> List.of(v.split(","))).orElse(List.of())) {
      host.plugins().regularizer(r); // fail early on an unknown name
      regularizers.put(r, new LinkedHashMap<>());
    }
    for (Map.Entry<String, String> e : a.settings().entrySet()) {
      int dot = e.getKey().indexOf('.');
      if (dot <= 0 || !regularizers.containsKey(e.getKey().substring(0, dot))) {
        throw new UsageException("--set needs REGULARIZER.key=value for a regularizer given with --regularizer, got '" + e.getKey() + "'");
      }
      regularizers.get(e.getKey().substring(0, dot)).put(e.getKey().substring(dot + 1), e.getValue());
    }
    // validate every regulariser option before anything is created on disk
    regularizers.forEach((name, opts) -> host.plugins().regularizer(name).options().parse(opts));
    Path out = Path.of(a.require("--out"));
    Files.createDirectories(out);
    try (NDManager manager = NDManager.newBaseManager(host.device(), "PyTorch")) {
      TrainingRecipe.Result result = TrainingRecipe.train(
          manager, config, host.plugins(), regularizers, ProgressPrinter.to(host.out()), out, a.flag("--resume"));
      host.out().printf(Locale.ROOT, "test accuracy %.4f on %d images; checkpoints in %s%n",
          result.testAccuracy(), result.test().size(), out);
      report(host, out, config, regularizers, result, manager);
    }
  }

  /** history.tsv, and index.html with heatmaps of four test images (aib-attention or saliency). */
  private static void report(Host host, Path out, TrainingRecipe.Config config, Map<String, Map<String, String>> regularizers,
      TrainingRecipe.Result result, NDManager manager) throws Exception {
    StringBuilder tsv = new StringBuilder("epoch\tterm\tvalue\n");
    StringBuilder intro = new StringBuilder(String.format(Locale.ROOT, "%s, regularizers %s, test accuracy %.4f. ",
        config, regularizers, result.testAccuracy()));
    for (EpochReport r : result.history()) {
      r.terms().forEach((k, v) -> tsv.append(r.epoch()).append('\t').append(k).append('\t').append(v).append('\n'));
      tsv.append(r.epoch()).append("\ttrain-accuracy\t").append(r.trainAccuracy()).append('\n');
      intro.append(r.line()).append(". ");
    }
    AtomicFiles.write(out.resolve("history.tsv"), tsv.toString().getBytes(StandardCharsets.UTF_8));
    Block model = result.model();
    String method = NativelyExplained.attributorFor(model).orElse("saliency");
    if (!host.plugins().of(dev.ibex.api.PluginKind.ATTRIBUTOR).containsKey(method)) {
      host.out().println("no '" + method + "' attributor available; wrote " + out.resolve("history.tsv"));
      return;
    }
    Attributor attributor = host.plugins().attributor(method);
    List<String[]> images = new ArrayList<>();
    try (NDManager scope = manager.newSubManager(); BlockModel explained = BlockModel.of(model, manager)) {
      int n = Math.min(4, result.test().size());
      NDArray x = result.test().images(scope, result.test().indices(0, n));
      Attribution attribution = Host.attribute(attributor, explained, x, Target.predicted(), attributor.options().defaults());
      int scale = Math.max(1, 224 / (int) x.getShape().get(2));
      for (int i = 0; i < n; i++) {
        String file = method + "-" + i + ".png";
        Heatmaps.overlay(x.get(i), Heatmaps.displayMap(attribution.values(), i), scale, out.resolve(file));
        images.add(new String[] {file, "test image " + i + ": input | " + method});
      }
    }
    Heatmaps.page(out, "ibex train", intro.toString(), images);
    host.out().println("wrote " + out.resolve("index.html") + " and " + out.resolve("history.tsv"));
  }
}
