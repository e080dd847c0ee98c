package dev.ibex.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Target;
import dev.ibex.api.host.Explanation;
import dev.ibex.api.host.Ibex;
import dev.ibex.api.host.Pipeline;
import dev.ibex.api.model.BlockModel;
import dev.ibex.training.engine.LearningRateSchedule;
import dev.ibex.training.engine.OptimizerKind;
import dev.ibex.training.engine.Trainer;
import dev.ibex.training.engine.TrainerBuilder;
import dev.ibex.training.engine.TrainingListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Experiment AIB (paper Tables 1, 2) on the S-IB experiment's cued scenes: the residual CNN trained
 * plain (the S-IB experiment's plain runs, shared through {@link SibExperiment.PlainModels}) and
 * with {@code aib} for every seed, with the same recipe; accuracy in distribution and with the cue
 * shuffled; the interpretability score of each model's maps under the paper's modifications, the
 * occlusion sizes and frequency radii scaled from CIFAR's 32 pixels to the canvas; and how well the
 * maps point at the garment.
 *
 * <p>The paper scores attention maps. The plain model has none, so its Grad-CAM (at {@link
 * ResidualCnn#CAM_LAYER}) stands in for it; saliency is scored on both models as the one method
 * they share.
 */
public final class AibExperiment implements SibExperiment.PlainModels {
  /** The variants, in table order. */
  public static final List<String> VARIANTS = List.of("plain", "aib");

  /**
   * The aib options: the stem (conv-BN-ReLU-pool, 28x28 at a 56 canvas, as the paper attends to an
   * early half-resolution feature map) is the attended feature map; everything else as the paper's
   * defaults (K = 256, Q = 20 anchors, quantised, β = 0.01, 4 samples at test).
   */
  public static final Map<String, String> OPTIONS = Map.of("feature-layers", "4");

  /** The maps of each variant, in table order: its attention (or Grad-CAM), then saliency. */
  public static final Map<String, List<String>> METHODS =
      Map.of("plain", List.of("grad-cam", "saliency"), "aib", List.of("aib-attention", "saliency"));

  /** Localisation metrics also reported for every map. */
  public static final List<String> LOCALISATION = List.of("pointing-game", "map");

  /** The interpretability score's name. */
  public static final String SCORE = "interpretability-score";

  private final Ibex ibex;
  private final SibConfig config;
  private final Consumer<String> progress;
  private final TrainingListener batches;
  private final List<Run> runs = new ArrayList<>();
  private final Map<String, Map<String, float[][]>> maps = new LinkedHashMap<>();
  private double seconds;

  /**
   * @param ibex plugins and pipelines
   * @param config the run (data, recipe, seeds as experiment S-IB)
   * @param progress receives one line per stage
   * @param batches receives the training progress, or {@code null}
   */
  public AibExperiment(
      Ibex ibex, SibConfig config, Consumer<String> progress, TrainingListener batches) {
    this.ibex = ibex;
    this.config = config;
    this.progress = progress;
    this.batches = batches;
    Ibex.options(ibex.plugins().regularizer("aib"), OPTIONS); // fail early on a bad option
  }

  /**
   * One trained and scored model.
   *
   * @param variant plain or aib
   * @param seed training seed
   * @param accuracy in-distribution test accuracy
   * @param shiftedAccuracy cue-shuffled test accuracy
   * @param seconds training wall time
   * @param crossEntropy training cross-entropy per batch
   * @param scores method to metric label (a {@link AibPaper.Modification#label()}, "prediction
   *     kept: " + label, or a {@link #LOCALISATION} metric) to value
   */
  public record Run(
      String variant,
      long seed,
      double accuracy,
      double shiftedAccuracy,
      double seconds,
      List<Double> crossEntropy,
      Map<String, Map<String, Double>> scores) {}

  /**
   * What the experiment found.
   *
   * @param options the aib options
   * @param modifications each modification's label to the options it ran with (scaled sizes)
   * @param runs every run, seeds in order, plain before aib
   * @param maps variant to method to the first seed's maps of the shown scenes, (H*W) rows
   * @param seconds wall time spent here (aib training and all scoring)
   */
  public record Outcome(
      Map<String, String> options,
      Map<String, Map<String, Object>> modifications,
      List<Run> runs,
      Map<String, Map<String, float[][]>> maps,
      double seconds) {}

  /**
   * The metric options of one of the paper's modifications on this canvas: p and r scaled by canvas
   * / 32 and rounded.
   *
   * @param m the modification
   * @return interpretability-score options
   */
  public Map<String, Object> modificationOptions(AibPaper.Modification m) {
    int scaled = Math.round((float) m.paperParameter() * config.canvas() / AibPaper.SIDE);
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("modification", m.kind());
    switch (m.kind()) {
      case "colour-block" -> o.put("size", scaled);
      case "high-pass" -> o.put("high-pass-radius", (double) scaled);
      case "low-pass" -> o.put("low-pass-radius", (double) scaled);
      default -> throw new IllegalArgumentException(m.kind());
    }
    o.put("seed", (int) config.dataSeed());
    return o;
  }

  /** Scores a plain model of experiment S-IB as this experiment's plain run of that seed. */
  @Override
  public void accept(SibData data, SibExperiment.Run plain, Block model, NDManager manager) {
    long t0 = System.nanoTime();
    progress.accept(
        "aib experiment: scoring plain, seed " + plain.seed() + ": " + METHODS.get("plain"));
    runs.add(
        new Run(
            "plain",
            plain.seed(),
            plain.accuracy(),
            plain.shiftedAccuracy(),
            plain.seconds(),
            plain.curve().crossEntropy(),
            score(manager, model, data, "plain", plain.seed() == config.seeds().get(0))));
    trainAib(manager, data, plain.seed());
    seconds += (System.nanoTime() - t0) / 1e9;
  }

  private void trainAib(NDManager manager, SibData data, long seed) {
    progress.accept("training aib " + OPTIONS + ", seed " + seed);
    TrainingCurve curve = new TrainingCurve(Map.of());
    TrainerBuilder b =
        Trainer.builder(ResidualCnn.create(10, config.width()), manager)
            .epochs(config.epochs())
            .batchSize(config.batchSize())
            .learningRate(config.learningRate())
            .optimizer(OptimizerKind.ADAM)
            .schedule(LearningRateSchedule.COSINE)
            .seed(seed)
            .listener(curve)
            .regularizer(ibex.plugins(), "aib", OPTIONS);
    if (batches != null) {
      b.listener(batches);
    }
    long t0 = System.nanoTime();
    try (Trainer trainer = b.build()) {
      trainer.fit(data.train().images(), data.valid().images());
      double s = (System.nanoTime() - t0) / 1e9;
      double acc = trainer.evaluate(data.test().images()).accuracy();
      double shifted = trainer.evaluate(data.testShifted().images()).accuracy();
      progress.accept(
          String.format(
              Locale.ROOT,
              "  aib seed %d: test accuracy %.4f, cue-shuffled %.4f, %.0f s",
              seed,
              acc,
              shifted,
              s));
      progress.accept("aib experiment: scoring aib, seed " + seed + ": " + METHODS.get("aib"));
      Map<String, Map<String, Double>> scores =
          score(manager, trainer.model(), data, "aib", seed == config.seeds().get(0));
      runs.add(new Run("aib", seed, acc, shifted, s, curve.crossEntropy(), scores));
    }
  }

  private Map<String, Map<String, Double>> score(
      NDManager manager, Block block, SibData data, String variant, boolean keepMaps) {
    LabeledImages test = data.test().images();
    Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
    try (NDManager m = manager.newSubManager();
        BlockModel model = BlockModel.of(block, m)) {
      int[] idx = test.indices(0, config.evalSize());
      NDArray x = test.images(m, idx);
      NDArray masks = test.masks(m, idx).orElseThrow().squeeze(1);
      Target target = Target.perSample(Arrays.copyOf(test.labels(), idx.length));
      for (String method : METHODS.get(variant)) {
        Pipeline p = ibex.pipeline(method, methodOptions(method));
        for (String metric : LOCALISATION) {
          p = p.metric(metric, Map.of("channel-reduction", reduction(method)));
        }
        Explanation e = p.run(model, x, target, masks);
        Map<String, Double> values = new LinkedHashMap<>();
        for (String metric : LOCALISATION) {
          values.put(metric, e.score(metric).value());
        }
        MetricInput in =
            MetricInput.builder()
                .model(model)
                .inputs(x)
                .target(target)
                .attributions(e.attribution().values())
                .attributor(p.attributor(), p.options())
                .build();
        for (AibPaper.Modification mod : AibPaper.MODIFICATIONS) {
          Map<String, Object> o = new LinkedHashMap<>(modificationOptions(mod));
          o.put("channel-reduction", reduction(method));
          MetricResult r = ibex.score(SCORE, in, o);
          values.put(mod.label(), r.value());
          values.put(keptLabel(mod), 1.0 - (double) r.skipped() / idx.length);
        }
        scores.put(method, values);
        if (keepMaps) {
          maps.computeIfAbsent(variant, k -> new LinkedHashMap<>())
              .put(method, SibExperiment.displayMaps(e.attribution().values(), config.shown()));
        }
      }
    }
    return scores;
  }

  /**
   * @param mod a modification
   * @return the label of the share of scenes whose prediction the modification kept
   */
  public static String keptLabel(AibPaper.Modification mod) {
    return "prediction kept: " + mod.label();
  }

  /**
   * @param method one of {@link #METHODS}
   * @return its options: the CAM at {@link ResidualCnn#CAM_LAYER}
   */
  public static Map<String, Object> methodOptions(String method) {
    return method.equals("grad-cam") ? Map.of("layer", ResidualCnn.CAM_LAYER) : Map.of();
  }

  /** Gradient maps by their magnitude; attention and CAMs as they are. */
  private static String reduction(String method) {
    return method.equals("saliency") ? "abs-sum" : "sum";
  }

  /**
   * @return what the experiment found so far (call after experiment S-IB has run)
   */
  public Outcome outcome() {
    Map<String, Map<String, Object>> mods = new LinkedHashMap<>();
    for (AibPaper.Modification mod : AibPaper.MODIFICATIONS) {
      mods.put(mod.label(), modificationOptions(mod));
    }
    return new Outcome(Map.copyOf(OPTIONS), mods, List.copyOf(runs), maps, seconds);
  }
}
