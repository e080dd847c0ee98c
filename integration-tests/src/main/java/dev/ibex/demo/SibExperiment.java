package dev.ibex.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Target;
import dev.ibex.api.host.Explanation;
import dev.ibex.api.host.Ibex;
import dev.ibex.api.host.Pipeline;
import dev.ibex.api.model.BlockModel;
import dev.ibex.training.engine.EpochReport;
import dev.ibex.training.engine.LearningRateSchedule;
import dev.ibex.training.engine.OptimizerKind;
import dev.ibex.training.engine.Trainer;
import dev.ibex.training.engine.TrainerBuilder;
import dev.ibex.training.engine.TrainingListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Experiment S-IB (paper Tables 2, 4, 5) on the cued scenes: the residual CNN trained plain and
 * with {@code s-ib} for every seed; accuracy in distribution and with the cue shuffled; six
 * attribution methods, explaining the true class of the in-distribution test scenes, scored against
 * the exact object masks (pixel accuracy, mIoU, mAP, pointing game), by insertion and deletion, and
 * by the info-differential.
 *
 * <p>The regulariser's weights are chosen on validation splits built from training garments that
 * the training split does not hold (never the test split): each candidate is trained for the run's
 * epochs on the first {@link SibConfig#selectionSize()} training scenes with the first seed; among
 * those whose terms are at least {@link #MIN_SHARE} of the loss, the one with the best cue-shuffled
 * validation accuracy wins (the first candidate if none reaches the share). With one candidate
 * there is nothing to choose.
 */
public final class SibExperiment {
  /** The attribution methods scored, in table order. */
  public static final List<String> METHODS =
      List.of(
          "saliency",
          "guided-backprop",
          "integrated-gradients",
          "grad-cam",
          "grad-cam-plus-plus",
          "score-cam");

  /** The metrics of each method, in table order. */
  public static final List<String> METRICS =
      List.of(
          "pixel-accuracy",
          "miou",
          "map",
          "pointing-game",
          "insertion",
          "deletion",
          "info-differential");

  /** Test scenes of the sanity check (model randomisation), first seed only. */
  public static final int SANITY_IMAGES = 16;

  /** Smallest share of the loss the regulariser's terms must have to count as measurable. */
  public static final double MIN_SHARE = 0.01;

  private final Ibex ibex;
  private final SibConfig config;
  private final Consumer<String> progress;
  private final TrainingListener batches;
  private final Map<String, Pipeline> pipelines = new LinkedHashMap<>();
  private PlainModels plainModels = (data, run, model, manager) -> {};

  /**
   * Receives every plain model once it is trained and scored, while it is still open, so another
   * experiment can compare against the same runs instead of training its own (experiment AIB does).
   */
  @FunctionalInterface
  public interface PlainModels {
    /**
     * @param data the splits the model was trained on
     * @param run the plain run, scores not yet attached
     * @param model the trained classifier
     * @param manager the experiment's manager (open while this runs)
     */
    void accept(SibData data, Run run, Block model, NDManager manager);
  }

  /**
   * @param ibex plugins and pipelines
   * @param config the run
   * @param progress receives one line per stage
   * @param batches receives the training progress (e.g. a progress bar), or {@code null}
   */
  public SibExperiment(
      Ibex ibex, SibConfig config, Consumer<String> progress, TrainingListener batches) {
    this.ibex = ibex;
    this.config = config;
    this.progress = progress;
    this.batches = batches;
    for (String method : METHODS) {
      pipelines.put(method, pipeline(method));
    }
  }

  /**
   * Shares the plain models.
   *
   * @param consumer receives each plain model after it is scored
   * @return this experiment
   */
  public SibExperiment sharePlainModels(PlainModels consumer) {
    this.plainModels = consumer;
    return this;
  }

  /**
   * The options of a method in this experiment: the CAMs at {@link ResidualCnn#CAM_LAYER}, the
   * configured integrated-gradients steps.
   *
   * @param method one of {@link #METHODS}
   * @return its options
   */
  public Map<String, Object> methodOptions(String method) {
    return switch (method) {
      case "grad-cam", "grad-cam-plus-plus", "score-cam" -> Map.of("layer", ResidualCnn.CAM_LAYER);
      case "integrated-gradients" -> Map.of("steps", config.igSteps());
      default -> Map.of();
    };
  }

  /**
   * How a method's maps become one map per pixel: gradient maps by their magnitude, CAMs as they
   * are (one channel, non-negative).
   */
  static String channelReduction(String method) {
    return method.contains("cam") ? "sum" : "abs-sum";
  }

  /**
   * The options of a metric for a method's maps.
   *
   * @param method the method
   * @param metric one of {@link #METRICS}
   * @return the options
   */
  public Map<String, Object> metricOptions(String method, String metric) {
    Map<String, Object> o = new LinkedHashMap<>();
    if (!metric.equals("info-differential")) {
      o.put("channel-reduction", channelReduction(method));
    }
    if (metric.equals("insertion") || metric.equals("deletion")) {
      o.put("steps", config.curveSteps());
    }
    return o;
  }

  private Pipeline pipeline(String method) {
    Pipeline p = ibex.pipeline(method, methodOptions(method));
    for (String metric : METRICS) {
      p = p.metric(metric, metricOptions(method, metric));
    }
    return p;
  }

  /** One trained and scored model. */
  public record Run(
      String variant,
      long seed,
      Map<String, String> options,
      List<EpochReport> history,
      TrainingCurve curve,
      double accuracy,
      double shiftedAccuracy,
      double validAccuracy,
      double validShiftedAccuracy,
      double seconds,
      Map<String, Map<String, Double>> scores) {
    /**
     * @return the mean share of the s-ib terms in the loss over the run's batches
     */
    public double share() {
      return curve.meanShare();
    }

    Run withScores(Map<String, Map<String, Double>> s) {
      return new Run(
          variant,
          seed,
          options,
          history,
          curve,
          accuracy,
          shiftedAccuracy,
          validAccuracy,
          validShiftedAccuracy,
          seconds,
          s);
    }
  }

  /** A weight candidate as the validation splits judged it. */
  public record Candidate(
      Map<String, String> options, double share, double validAccuracy, double validShifted) {}

  /**
   * The shown test images and their maps from the first seed's models.
   *
   * @param images (n, H, W) inputs, one channel
   * @param masks (n, H, W) object masks
   * @param labels true classes
   * @param textures background textures
   * @param predicted variant to predicted classes
   * @param maps variant to method to one (H, W) map per image, row-major
   * @param side H = W
   */
  public record Shown(
      float[][] images,
      float[][] masks,
      int[] labels,
      int[] textures,
      Map<String, int[]> predicted,
      Map<String, Map<String, float[][]>> maps,
      int side) {}

  /**
   * What the experiment found.
   *
   * @param data the splits
   * @param candidates the weight candidates as judged on validation
   * @param chosen the chosen s-ib options
   * @param runs every run, seeds in order, plain before s-ib
   * @param shown heatmaps of the first seed
   * @param sanity the first seed's model randomisation score per variant and method (mean Spearman
   *     correlation of the maps before and after cascading randomisation, lower is better)
   * @param seconds wall time of the whole experiment
   */
  public record Outcome(
      SibData data,
      List<Candidate> candidates,
      Map<String, String> chosen,
      List<Run> runs,
      Shown shown,
      Map<String, Map<String, Double>> sanity,
      double seconds) {}

  private record Trained(Block model, Run run) {}

  /**
   * Runs the experiment.
   *
   * @return the outcome
   */
  public Outcome run() {
    long t0 = System.nanoTime();
    progress.accept("data: " + config.describeData());
    SibData data = SibData.of(config);
    List<Candidate> candidates = new ArrayList<>();
    List<Run> runs = new ArrayList<>();
    Map<String, int[]> predicted = new LinkedHashMap<>();
    Map<String, Map<String, float[][]>> maps = new LinkedHashMap<>();
    Map<String, Map<String, Double>> sanity = new LinkedHashMap<>();
    Map<String, String> chosen;
    try (NDManager manager = NDManager.newBaseManager()) {
      long first = config.seeds().get(0);
      if (config.candidates().size() > 1) {
        // runs on the first selectionSize training scenes, judged on validation only
        SibData short_ = data.head(config.selectionSize());
        for (Map<String, String> c : config.candidates()) {
          progress.accept("choosing the s-ib weights on validation: " + c + ", seed " + first);
          Run r = train(manager, short_, "s-ib", first, c, config.epochs()).run();
          candidates.add(new Candidate(c, r.share(), r.validAccuracy(), r.validShiftedAccuracy()));
        }
      }
      chosen = config.candidates().get(candidates.isEmpty() ? 0 : choose(candidates));
      progress.accept("chosen s-ib options: " + chosen);
      for (long seed : config.seeds()) {
        for (String variant : List.of("plain", "s-ib")) {
          Trained t =
              train(
                  manager,
                  data,
                  variant,
                  seed,
                  variant.equals("s-ib") ? chosen : Map.of(),
                  config.epochs());
          progress.accept("scoring " + variant + ", seed " + seed + ": " + METHODS);
          boolean keep = seed == first;
          Map<String, Map<String, Double>> scores =
              score(
                  manager,
                  t.model(),
                  data.test().images(),
                  keep ? maps.computeIfAbsent(variant, k -> new LinkedHashMap<>()) : null,
                  keep ? predicted : null,
                  keep ? sanity.computeIfAbsent(variant, k -> new LinkedHashMap<>()) : null,
                  variant);
          runs.add(t.run().withScores(scores));
          if (variant.equals("plain")) {
            plainModels.accept(data, t.run(), t.model(), manager);
          }
        }
      }
    }
    LabeledImages test = data.test().images();
    int n = config.shown();
    int side = config.canvas();
    float[][] images = new float[n][];
    float[][] masks = new float[n][];
    try (NDManager m = NDManager.newBaseManager()) {
      int[] idx = test.indices(0, n);
      float[] x = test.images(m, idx).toFloatArray();
      float[] mk = test.masks(m, idx).orElseThrow().toFloatArray();
      for (int i = 0; i < n; i++) {
        images[i] = java.util.Arrays.copyOfRange(x, i * side * side, (i + 1) * side * side);
        masks[i] = java.util.Arrays.copyOfRange(mk, i * side * side, (i + 1) * side * side);
      }
    }
    Shown shown =
        new Shown(
            images,
            masks,
            java.util.Arrays.copyOf(test.labels(), n),
            java.util.Arrays.copyOf(data.test().textures(), n),
            predicted,
            maps,
            side);
    return new Outcome(
        data, candidates, chosen, runs, shown, sanity, (System.nanoTime() - t0) / 1e9);
  }

  /** The candidate with a measurable share and the best cue-shuffled validation accuracy. */
  static int choose(List<Candidate> candidates) {
    int best = 0;
    for (int i = 1; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      Candidate b = candidates.get(best);
      boolean bMeasurable = b.share() >= MIN_SHARE;
      if (c.share() >= MIN_SHARE && (!bMeasurable || c.validShifted() > b.validShifted())) {
        best = i;
      }
    }
    return best;
  }

  private Trained train(
      NDManager manager,
      SibData data,
      String variant,
      long seed,
      Map<String, String> options,
      int epochs) {
    progress.accept("training " + variant + " " + options + ", seed " + seed);
    TrainingCurve curve = new TrainingCurve(options);
    TrainerBuilder b =
        Trainer.builder(ResidualCnn.create(10, config.width()), manager)
            .epochs(epochs)
            .batchSize(config.batchSize())
            .learningRate(config.learningRate())
            .optimizer(OptimizerKind.ADAM)
            .schedule(LearningRateSchedule.COSINE)
            .seed(seed)
            .listener(curve);
    if (batches != null) {
      b.listener(batches);
    }
    if (variant.equals("s-ib")) {
      b.regularizer(ibex.plugins(), "s-ib", options);
    }
    long t0 = System.nanoTime();
    try (Trainer trainer = b.build()) {
      List<EpochReport> history = trainer.fit(data.train().images(), data.valid().images());
      double seconds = (System.nanoTime() - t0) / 1e9;
      double acc = trainer.evaluate(data.test().images()).accuracy();
      double shifted = trainer.evaluate(data.testShifted().images()).accuracy();
      double validShifted = trainer.evaluate(data.validShifted().images()).accuracy();
      double valid = history.get(history.size() - 1).validAccuracy();
      progress.accept(
          String.format(
              Locale.ROOT,
              "  %s seed %d: test accuracy %.4f, cue-shuffled %.4f (validation %.4f / %.4f),"
                  + " s-ib share of the loss %.3f, %.0f s",
              variant,
              seed,
              acc,
              shifted,
              valid,
              validShifted,
              curve.meanShare(),
              seconds));
      Run run =
          new Run(
              variant,
              seed,
              Map.copyOf(options),
              history,
              curve,
              acc,
              shifted,
              valid,
              validShifted,
              seconds,
              Map.of());
      return new Trained(trainer.model(), run);
    }
  }

  private Map<String, Map<String, Double>> score(
      NDManager manager,
      Block block,
      LabeledImages test,
      Map<String, float[][]> keepMaps,
      Map<String, int[]> keepPredicted,
      Map<String, Double> keepSanity,
      String variant) {
    Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
    try (NDManager m = manager.newSubManager();
        BlockModel model = BlockModel.of(block, m)) {
      int[] idx = test.indices(0, config.evalSize());
      NDArray x = test.images(m, idx);
      NDArray masks = test.masks(m, idx).orElseThrow().squeeze(1);
      Target target = Target.perSample(java.util.Arrays.copyOf(test.labels(), idx.length));
      int shown = config.shown();
      if (keepPredicted != null) {
        NDArray logits = model.forward(x.get(new NDIndex("0:" + shown)));
        keepPredicted.put(variant, logits.argMax(1).toType(DataType.INT32, false).toIntArray());
      }
      List<String> took = new ArrayList<>();
      for (String method : METHODS) {
        long t0 = System.nanoTime();
        Explanation e = pipelines.get(method).run(model, x, target, masks);
        Map<String, Double> values = new LinkedHashMap<>();
        for (String metric : METRICS) {
          MetricResult r = e.score(metric);
          values.put(metric, r.value());
        }
        scores.put(method, values);
        if (keepMaps != null) {
          keepMaps.put(method, displayMaps(e.attribution().values(), shown));
        }
        took.add(String.format(Locale.ROOT, "%s %.1f s", method, (System.nanoTime() - t0) / 1e9));
      }
      progress.accept("  scored with every metric: " + String.join(", ", took));
      if (keepSanity != null) {
        long sanityStart = System.nanoTime();
        int k = Math.min(SANITY_IMAGES, idx.length);
        NDArray xs = x.get(new NDIndex("0:" + k));
        Target ts = Target.perSample(java.util.Arrays.copyOf(test.labels(), k));
        for (String method : METHODS) {
          Pipeline p =
              ibex.pipeline(method, methodOptions(method))
                  .metric(
                      "model-randomisation", Map.of("channel-reduction", channelReduction(method)));
          keepSanity.put(method, p.run(model, xs, ts).score("model-randomisation").value());
        }
        progress.accept(
            String.format(
                Locale.ROOT, "  sanity check: %.1f s", (System.nanoTime() - sanityStart) / 1e9));
      }
    }
    return scores;
  }

  /** The first {@code n} maps, summed in magnitude over channels, as (H*W) rows. */
  static float[][] displayMaps(NDArray values, int n) {
    NDArray v = values.get(new NDIndex("0:" + n));
    if (v.getShape().dimension() == 4) {
      v = v.abs().sum(new int[] {1});
    }
    float[] flat = v.toType(DataType.FLOAT32, false).toFloatArray();
    int per = flat.length / n;
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      out[i] = java.util.Arrays.copyOfRange(flat, i * per, (i + 1) * per);
    }
    return out;
  }
}
