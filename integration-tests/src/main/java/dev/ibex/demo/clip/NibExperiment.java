package dev.ibex.demo.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.ibex.api.Attribution;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Target;
import dev.ibex.api.host.Ibex;
import dev.ibex.api.host.Pipeline;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.plugins.PluginCalls;
import dev.ibex.demo.FashionMnist;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Experiment NIB (the NIB paper's Table 2, plus a pointing game no paper measures): the CLIP-like
 * {@link ClipDemoModel} trained contrastively on {@link CaptionedScenes}, then eight attribution
 * methods on held-out pairs.
 *
 * <ul>
 *   <li>Image side: the pixels, explained toward the cosine to the text embedding of a caption
 *       naming one garment of the scene ("a bag"); confidence drop and increase (NIB's form: the
 *       image times its min-max map), and the pointing game on that garment's exact mask.
 *   <li>Text side: the full caption's tokens, explained toward the cosine to the paired image's
 *       embedding; confidence drop and increase with the token embeddings ({@link
 *       ClipDemoModel#TEXT_EMBEDDING}) scaled by the scores, SOT and EOT kept. Only methods that
 *       read token ids run here: nib and m2ib (at {@link ClipDemoModel#TEXT_LAYER}), chefer (the
 *       text tower's attention) and saliency (the gradient at the token embeddings); rise, mfaba,
 *       fast-ig and grad-cam perturb or grid pixels and have no text form in ibex.
 *   <li>Speed: each attribution call is timed alone (after an untimed call on one pair, so that
 *       first-call costs are not charged to a method) and its passes per pair counted.
 * </ul>
 *
 * <p>{@code rise} costs hundreds of passes per pair: it explains only the first {@link
 * NibConfig#expensivePairs()} pairs, the others the first {@link NibConfig#explainPairs()}; each
 * score records its count. So that every method can be compared on the same pairs, each is also
 * scored on rise's pairs alone ({@link NibOutcome.Score#common()}), and the verdicts against the
 * paper compare those. The pointing game's chance is reported for both sets.
 */
public final class NibExperiment {
  /** The methods, in the paper's table order with NIB last. */
  public static final List<String> METHODS =
      List.of("m2ib", "rise", "grad-cam", "chefer", "saliency", "mfaba", "fast-ig", "nib");

  /** The methods that also explain captions. */
  public static final List<String> TEXT_METHODS = List.of("m2ib", "chefer", "saliency", "nib");

  /**
   * The expensive methods, scored on fewer pairs: rise's hundreds of forward passes per pair.
   * (m2ib, about 90 forward and backward passes of the tail per pair, costs no more than mfaba
   * here.)
   */
  public static final Set<String> EXPENSIVE = Set.of("rise");

  /** The image side's metrics. */
  public static final List<String> IMAGE_METRICS =
      List.of("confidence-drop", "confidence-increase", "pointing-game");

  /** The text side's metrics. */
  public static final List<String> TEXT_METRICS = List.of("confidence-drop", "confidence-increase");

  private final Ibex ibex;
  private final NibConfig config;
  private final Consumer<String> progress;

  /**
   * @param ibex plugins and pipelines
   * @param config the run
   * @param progress receives one line per stage
   */
  public NibExperiment(Ibex ibex, NibConfig config, Consumer<String> progress) {
    this.ibex = ibex;
    this.config = config;
    this.progress = progress;
  }

  /**
   * A method's options on a side.
   *
   * @param method one of {@link #METHODS}
   * @param side {@code image} or {@code text}
   * @return its options
   */
  public Map<String, Object> methodOptions(String method, String side) {
    boolean image = side.equals("image");
    String layer = image ? ClipDemoModel.IMAGE_LAYER : ClipDemoModel.TEXT_LAYER;
    Map<String, Object> o = new LinkedHashMap<>();
    switch (method) {
      case "nib" -> {
        o.put("layer", layer);
        o.put("steps", config.nibSteps());
        o.put("modality", side);
      }
      case "m2ib" -> {
        o.put("layer", layer);
        o.put("modality", side);
        o.put("seed", (int) config.seed());
      }
      case "rise" -> {
        o.put("masks", config.riseMasks());
        o.put("score", "target");
        o.put("seed", (int) config.seed());
      }
      case "grad-cam" -> {
        o.put("layer", layer);
        o.put("token-layout", "tokens");
      }
      case "chefer" -> o.put("modality", side);
      case "saliency" -> {
        if (!image) {
          o.put("embedding", ClipDemoModel.TEXT_EMBEDDING);
        }
      }
      case "mfaba" -> {
        o.put("score", "target");
        o.put("clamp-min", 0.0);
        o.put("clamp-max", 1.0);
      }
      case "fast-ig" -> {}
      default -> throw new IllegalArgumentException("unknown method " + method);
    }
    return o;
  }

  /**
   * A metric's options on a side.
   *
   * @param metric one of {@link #IMAGE_METRICS} or {@link #TEXT_METRICS}
   * @param side {@code image} or {@code text}
   * @return its options
   */
  public Map<String, Object> metricOptions(String metric, String side) {
    Map<String, Object> o = new LinkedHashMap<>();
    if (side.equals("text")) {
      o.put("modality", "text");
      o.put("embedding-layer", ClipDemoModel.TEXT_EMBEDDING);
    } else {
      o.put("channel-reduction", "sum");
      if (!metric.equals("pointing-game")) {
        o.put("modality", "image");
      }
    }
    return o;
  }

  /**
   * Runs the experiment: data, training, explanations.
   *
   * @return every number
   */
  public NibOutcome run() {
    long t0 = System.nanoTime();
    Map<String, Double> seconds = new LinkedHashMap<>();
    progress.accept(
        String.format(
            Locale.ROOT,
            "nib: %d training pairs, %d held out (%.0f%% with two garments)",
            config.trainPairs(),
            config.heldOutPairs(),
            100 * config.pairShare()));
    CaptionedScenes.Set train =
        CaptionedScenes.of(
            FashionMnist.load(FashionMnist.DEFAULT_DIR, true, config.trainPairs()),
            config.pairShare(),
            config.trainDataSeed());
    CaptionedScenes.Set heldOut =
        CaptionedScenes.of(
            FashionMnist.load(FashionMnist.DEFAULT_DIR, false, config.heldOutPairs()),
            config.pairShare(),
            config.heldOutDataSeed());
    long t1 = System.nanoTime();
    seconds.put("data", (t1 - t0) / 1e9);
    Path dir;
    try {
      dir = Files.createTempDirectory("ibex-nib");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path trained = dir.resolve("clip-demo-trained.pt");
      ContrastiveTraining.Result fit;
      try (ClipDemoModel model = ClipDemoModel.untrained(dir)) {
        fit = new ContrastiveTraining(model, config, progress).fit(train, heldOut);
        model.save(trained);
      }
      long t2 = System.nanoTime();
      seconds.put("training", (t2 - t1) / 1e9);
      NibOutcome out = explain(trained, heldOut, fit, seconds);
      long t3 = System.nanoTime();
      seconds.put("explanation", (t3 - t2) / 1e9);
      seconds.put("total", (t3 - t0) / 1e9);
      return out;
    } finally {
      deleteQuietly(dir);
    }
  }

  private NibOutcome explain(
      Path file,
      CaptionedScenes.Set pairs,
      ContrastiveTraining.Result fit,
      Map<String, Double> seconds) {
    List<NibOutcome.Score> scores = new ArrayList<>();
    int n = config.explainPairs();
    int[] rows = range(n);
    List<Map<String, float[]>> imageMaps = new ArrayList<>();
    List<Map<String, float[]>> tokenScores = new ArrayList<>();
    for (int k = 0; k < config.shown(); k++) {
      imageMaps.add(new LinkedHashMap<>());
      tokenScores.add(new LinkedHashMap<>());
    }
    try (TorchScriptModel imageTower = ClipDemoModel.imageTower(file);
        TorchScriptModel textTower = ClipDemoModel.textTower(file);
        NDManager m = imageTower.manager().newSubManager()) {
      NDArray x = pairs.images(m, rows);
      NDArray named = pairs.namedCaptions(m, rows);
      NDArray captions = pairs.captions(m, rows);
      NDArray masks = pairs.namedMasks(m, rows);
      NDArray namedEmbeddings = textTower.forward(named).stopGradient();
      NDArray imageEmbeddings = imageTower.forward(x).stopGradient();
      for (String method : METHODS) {
        int count = EXPENSIVE.contains(method) ? config.expensivePairs() : n;
        NDIndex first = new NDIndex("0:{}", count);
        scores.add(
            side(
                method,
                "image",
                imageTower,
                x.get(first),
                namedEmbeddings.get(first),
                masks.get(first),
                objects(pairs, count),
                imageMaps));
        if (TEXT_METHODS.contains(method)) {
          scores.add(
              side(
                  method,
                  "text",
                  textTower,
                  captions.get(first),
                  imageEmbeddings.get(first),
                  null,
                  objects(pairs, count),
                  tokenScores));
        }
      }
    }
    List<NibOutcome.Score> judged = judge(scores);
    List<NibOutcome.Example> examples = new ArrayList<>();
    for (int k = 0; k < config.shown(); k++) {
      examples.add(
          new NibOutcome.Example(
              k,
              Captions.text(pairs.caption(k)),
              Captions.text(pairs.namedCaption(k)),
              Captions.tokens(pairs.caption(k)),
              pairs.image(k),
              pairs.mask(k, pairs.namedSlot()[k]),
              imageMaps.get(k),
              tokenScores.get(k)));
    }
    return new NibOutcome(
        config,
        pairs.size(),
        fit.before(),
        fit.curve(),
        judged,
        areaShare(pairs, n),
        areaShare(pairs, config.expensivePairs()),
        Map.of("one-garment", areaShare(pairs, n, 1), "two-garments", areaShare(pairs, n, 2)),
        examples,
        seconds);
  }

  /**
   * One method on one side: a timed attribution toward the cosine to {@code embeddings}, then the
   * side's metrics on it.
   */
  private NibOutcome.Score side(
      String method,
      String side,
      TorchScriptModel tower,
      NDArray input,
      NDArray embeddings,
      NDArray masks,
      int[] objects,
      List<Map<String, float[]>> shown) {
    Target target = Target.cosineSimilarity(embeddings);
    Map<String, Object> options = methodOptions(method, side);
    List<String> metricNames = side.equals("image") ? IMAGE_METRICS : TEXT_METRICS;
    Pipeline p = ibex.pipeline(method, options);
    for (String metric : metricNames) {
      p = p.metric(metric, metricOptions(metric, side));
    }
    int count = (int) input.getShape().get(0);
    try (NDManager m = input.getManager().newSubManager()) {
      // untimed: the first call of a method pays for its set-up and the engine's warm-up
      NDArray one = input.get("0:1");
      one.attach(m);
      Target oneTarget = Target.cosineSimilarity(embeddings.get("0:1"));
      PluginCalls.attribute(p.attributor(), tower, one, oneTarget, p.options()).values().close();
      long start = System.nanoTime();
      Attribution a = PluginCalls.attribute(p.attributor(), tower, input, target, p.options());
      double secs = (System.nanoTime() - start) / 1e9;
      NDArray values = a.values();
      values.attach(m);
      MetricInput.Builder in =
          MetricInput.builder()
              .model(tower)
              .inputs(input)
              .target(target)
              .attributions(values)
              .attributor(p.attributor(), p.options());
      if (masks != null) {
        in.masks(masks);
      }
      MetricInput metricInput = in.build();
      Map<String, Double> metrics = new LinkedHashMap<>();
      Map<String, Double> common = new LinkedHashMap<>();
      Map<String, Double> byScene = new LinkedHashMap<>();
      for (String metric : metricNames) {
        MetricResult r = ibex.score(metric, metricInput, metricOptions(metric, side));
        metrics.put(metric, r.value());
        common.put(metric, meanOfFirst(r.perSample(), config.expensivePairs()));
        if (metric.equals("pointing-game")) {
          byScene.put("one-garment", meanWhere(r.perSample(), objects, 1));
          byScene.put("two-garments", meanWhere(r.perSample(), objects, 2));
        }
      }
      keepShown(method, values, shown);
      double perSecond = count / secs;
      double forward = (double) a.forwardPasses() / count;
      double backward = (double) a.backwardPasses() / count;
      progress.accept(
          String.format(
              Locale.ROOT,
              "nib: %-8s %-5s %3d pairs %6.2f s (%.1f pairs/s, %.0f fwd + %.0f bwd per pair) %s",
              method,
              side,
              count,
              secs,
              perSecond,
              forward,
              backward,
              metrics));
      return new NibOutcome.Score(
          method,
          side,
          count,
          options,
          metrics,
          common,
          byScene,
          secs,
          perSecond,
          forward,
          backward,
          paper(method, side, metricNames),
          new LinkedHashMap<>());
    }
  }

  /** Keeps a method's maps of the shown pairs: (H, W) with channels summed, or token scores. */
  private void keepShown(String method, NDArray values, List<Map<String, float[]>> shown) {
    long n = values.getShape().get(0);
    NDArray flat;
    if (values.getShape().dimension() == 2) {
      flat = values; // (N, L) token scores
    } else {
      long hw =
          values.getShape().get(values.getShape().dimension() - 2)
              * values.getShape().get(values.getShape().dimension() - 1);
      flat = values.reshape(n, -1, hw).sum(new int[] {1});
    }
    for (int k = 0; k < shown.size() && k < n; k++) {
      shown
          .get(k)
          .put(
              method,
              flat.get(k).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
    }
  }

  private static Map<String, double[]> paper(String method, String side, List<String> metrics) {
    Map<String, double[]> p = new LinkedHashMap<>();
    for (String metric : Stream.concat(metrics.stream(), Stream.of("fps")).toList()) {
      NibPaper.value(method, side, metric).ifPresent(v -> p.put(metric, v));
    }
    return p;
  }

  /**
   * The verdicts: for each drop/increase row, whether NIB beats the method here as the paper says
   * (for NIB itself: its rank here, against the paper's claim that it is best), on the pairs every
   * method explained ({@link NibOutcome.Score#common()}).
   */
  private static List<NibOutcome.Score> judge(List<NibOutcome.Score> scores) {
    List<NibOutcome.Score> out = new ArrayList<>();
    for (NibOutcome.Score s : scores) {
      NibOutcome.Score nib =
          scores.stream()
              .filter(o -> o.method().equals("nib") && o.side().equals(s.side()))
              .findFirst()
              .orElseThrow();
      Map<String, String> verdicts = new LinkedHashMap<>();
      for (String metric : List.of("confidence-drop", "confidence-increase")) {
        if (!s.common().containsKey(metric)) {
          continue;
        }
        boolean lower = metric.equals("confidence-drop");
        if (s.method().equals("nib")) {
          List<NibOutcome.Score> side =
              scores.stream().filter(o -> o.side().equals(s.side())).toList();
          Comparator<NibOutcome.Score> better =
              Comparator.comparingDouble(o -> (lower ? 1 : -1) * o.common().get(metric));
          long ahead = side.stream().filter(o -> better.compare(o, s) < 0).count();
          verdicts.put(
              metric,
              (ahead == 0 ? "agrees" : "disagrees")
                  + ": paper has nib best on all three data sets; here nib ranks "
                  + (ahead + 1)
                  + " of "
                  + side.size());
          continue;
        }
        double mine = nib.common().get(metric);
        double theirs = s.common().get(metric);
        boolean nibBetterHere = lower ? mine <= theirs : mine >= theirs;
        var paperSays = NibPaper.nibBetter(s.method(), s.side(), metric);
        if (paperSays.isEmpty()) {
          verdicts.put(
              metric,
              "no paper value; here nib is " + (nibBetterHere ? "better or equal" : "worse"));
        } else if (!paperSays.get()) {
          verdicts.put(
              metric,
              "mixed: the paper has nib better not on all three data sets; here nib is "
                  + (nibBetterHere ? "better or equal" : "worse"));
        } else {
          verdicts.put(
              metric,
              (nibBetterHere ? "agrees" : "disagrees")
                  + ": the paper has nib better on all three data sets; here nib is "
                  + (nibBetterHere ? "better or equal" : "worse"));
        }
      }
      out.add(
          new NibOutcome.Score(
              s.method(),
              s.side(),
              s.pairs(),
              s.options(),
              s.metrics(),
              s.common(),
              s.pointingByScene(),
              s.seconds(),
              s.imagesPerSecond(),
              s.forwardPerPair(),
              s.backwardPerPair(),
              s.paper(),
              verdicts));
    }
    return out;
  }

  /** How many garments each of the first n pairs shows. */
  private static int[] objects(CaptionedScenes.Set pairs, int n) {
    int[] o = new int[n];
    for (int i = 0; i < n; i++) {
      o[i] = pairs.objects(i);
    }
    return o;
  }

  /** The mean of the scores of the pairs with the given number of garments (NaN if none). */
  private static double meanWhere(double[] perSample, int[] objects, int count) {
    double sum = 0;
    int k = 0;
    for (int i = 0; i < perSample.length; i++) {
      if (objects[i] == count && !Double.isNaN(perSample[i])) {
        sum += perSample[i];
        k++;
      }
    }
    return k == 0 ? Double.NaN : sum / k;
  }

  /** The mean of the first scores, skipped (NaN) ones left out. */
  private static double meanOfFirst(double[] perSample, int n) {
    double sum = 0;
    int k = 0;
    for (int i = 0; i < Math.min(n, perSample.length); i++) {
      if (!Double.isNaN(perSample[i])) {
        sum += perSample[i];
        k++;
      }
    }
    return k == 0 ? Double.NaN : sum / k;
  }

  /** The mean named-garment area share of the first n pairs that show {@code objects} garments. */
  private static double areaShare(CaptionedScenes.Set pairs, int n, int objects) {
    double s = 0;
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (pairs.objects(i) == objects) {
        s += pairs.namedAreaShare(i);
        k++;
      }
    }
    return k == 0 ? Double.NaN : s / k;
  }

  private static double areaShare(CaptionedScenes.Set pairs, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += pairs.namedAreaShare(i);
    }
    return s / n;
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
