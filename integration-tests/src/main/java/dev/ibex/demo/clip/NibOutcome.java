package dev.ibex.demo.clip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything an NIB experiment run measured: the training curve and retrieval, every method's
 * scores on each side with its speed and pass counts, the paper's values with a verdict, a few
 * examples with every map, and the timings.
 *
 * @param config the run's settings
 * @param heldOutPairs pairs retrieval was measured on
 * @param before retrieval of the untrained model
 * @param curve one entry per epoch (loss, retrieval, seconds)
 * @param scores one per method and side, in {@link NibExperiment#METHODS} order, image side first
 * @param pointingChance the mean share of the canvas the named garment covers, over the pairs every
 *     cheap method explains (a map whose maximum falls on a random pixel hits this often)
 * @param pointingChanceExpensive the same over the fewer pairs {@code m2ib} and {@code rise}
 *     explain
 * @param examples the first few explained pairs with every method's map
 * @param seconds wall times: data, training, explanation, total
 */
public record NibOutcome(
    NibConfig config,
    int heldOutPairs,
    Retrieval before,
    List<ContrastiveTraining.Epoch> curve,
    List<Score> scores,
    double pointingChance,
    double pointingChanceExpensive,
    Map<String, Double> pointingChanceByScene,
    List<Example> examples,
    Map<String, Double> seconds) {

  /**
   * One method on one side.
   *
   * @param method the attributor
   * @param side {@code image} (explains the pixels toward the named caption's embedding) or {@code
   *     text} (explains the caption's tokens toward the image's embedding)
   * @param pairs how many pairs it explained
   * @param options its options
   * @param metrics metric name to the mean over the pairs
   * @param common metric name to the mean over the first {@link NibConfig#expensivePairs()} pairs,
   *     which every method explained
   * @param pointingByScene image side: the pointing game over the one-garment and the two-garment
   *     scenes apart ({@code one-garment}, {@code two-garments}); empty on the text side
   * @param seconds wall time of the attribution (metrics excluded)
   * @param imagesPerSecond pairs explained per second (the paper's FPS)
   * @param forwardPerPair model forward passes per pair
   * @param backwardPerPair backward passes per pair
   * @param paper the paper's Table 2 values per metric (Conceptual Captions, ImageNet, Flickr8k),
   *     where it has them
   * @param verdicts per metric: how our result compares with the paper's claim
   */
  public record Score(
      String method,
      String side,
      int pairs,
      Map<String, Object> options,
      Map<String, Double> metrics,
      Map<String, Double> common,
      Map<String, Double> pointingByScene,
      double seconds,
      double imagesPerSecond,
      double forwardPerPair,
      double backwardPerPair,
      Map<String, double[]> paper,
      Map<String, String> verdicts) {}

  /**
   * One explained pair with every method's map.
   *
   * @param index its index in the held-out set
   * @param caption its full caption
   * @param namedCaption the caption the image side is explained toward
   * @param tokens the full caption's tokens (SOT, words, EOT, padding)
   * @param image the image, 56x56 row-major
   * @param namedMask the named garment's mask, 56x56
   * @param imageMaps method to its image-side map (56x56, channels summed)
   * @param tokenScores method to its text-side score per token
   */
  public record Example(
      int index,
      String caption,
      String namedCaption,
      List<String> tokens,
      float[] image,
      float[] namedMask,
      Map<String, float[]> imageMaps,
      Map<String, float[]> tokenScores) {}

  /**
   * @return retrieval after the last epoch
   */
  public Retrieval retrieval() {
    return curve.isEmpty() ? before : curve.get(curve.size() - 1).retrieval();
  }

  /**
   * @param method an attributor
   * @param side {@code image} or {@code text}
   * @return its score, or {@code null} if it did not run on that side
   */
  public Score score(String method, String side) {
    return scores.stream()
        .filter(s -> s.method().equals(method) && s.side().equals(side))
        .findFirst()
        .orElse(null);
  }

  /**
   * @return the outcome as plain maps, lists, strings and numbers, for JSON
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("config", config.toMap());
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("layout", "OpenAI CLIP ViT-B/32 at toy width");
    model.put("width", 32);
    model.put("blocks-per-tower", 4);
    model.put("heads", 4);
    model.put("image", "56x56 grey, 8x8 patches, 7x7 + class token = 50 tokens");
    model.put("context", Captions.CONTEXT);
    model.put("vocabulary", Captions.VOCABULARY);
    model.put("split", ClipDemoModel.IMAGE_LAYER + ", " + ClipDemoModel.TEXT_LAYER);
    m.put("model", model);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("held-out-pairs", heldOutPairs);
    r.put("before", retrievalMap(before));
    r.put("after", retrievalMap(retrieval()));
    m.put("retrieval", r);
    List<Object> c = new ArrayList<>();
    for (ContrastiveTraining.Epoch e : curve) {
      Map<String, Object> em = new LinkedHashMap<>();
      em.put("epoch", e.epoch());
      em.put("loss", e.loss());
      em.put("retrieval", retrievalMap(e.retrieval()));
      em.put("seconds", e.seconds());
      c.add(em);
    }
    m.put("curve", c);
    List<Object> s = new ArrayList<>();
    for (Score sc : scores) {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("method", sc.method());
      sm.put("side", sc.side());
      sm.put("pairs", sc.pairs());
      sm.put("options", stringValues(sc.options()));
      sm.put("metrics", new LinkedHashMap<>(sc.metrics()));
      sm.put("metrics-on-common-pairs", new LinkedHashMap<>(sc.common()));
      sm.put("pointing-game-by-scene", new LinkedHashMap<>(sc.pointingByScene()));
      sm.put("seconds", sc.seconds());
      sm.put("images-per-second", sc.imagesPerSecond());
      sm.put("forward-per-pair", sc.forwardPerPair());
      sm.put("backward-per-pair", sc.backwardPerPair());
      Map<String, Object> p = new LinkedHashMap<>();
      sc.paper().forEach((k, v) -> p.put(k, doubles(v)));
      sm.put("paper", p);
      sm.put("paper-datasets", NibPaper.DATASETS);
      sm.put("verdicts", new LinkedHashMap<>(sc.verdicts()));
      s.add(sm);
    }
    m.put("scores", s);
    Map<String, Object> pc = new LinkedHashMap<>();
    pc.put("all-pairs", pointingChance);
    pc.put("common-pairs", pointingChanceExpensive);
    pc.put("by-scene", new LinkedHashMap<>(pointingChanceByScene));
    m.put("pointing-chance", pc);
    List<Object> ex = new ArrayList<>();
    for (Example e : examples) {
      Map<String, Object> em = new LinkedHashMap<>();
      em.put("index", e.index());
      em.put("caption", e.caption());
      em.put("named-caption", e.namedCaption());
      em.put("tokens", e.tokens());
      em.put("image", floats(e.image()));
      em.put("named-mask", floats(e.namedMask()));
      Map<String, Object> im = new LinkedHashMap<>();
      e.imageMaps().forEach((k, v) -> im.put(k, floats(v)));
      em.put("image-maps", im);
      Map<String, Object> tm = new LinkedHashMap<>();
      e.tokenScores().forEach((k, v) -> tm.put(k, floats(v)));
      em.put("token-scores", tm);
      ex.add(em);
    }
    m.put("examples", ex);
    m.put("seconds", new LinkedHashMap<>(seconds));
    return m;
  }

  private static Map<String, Object> retrievalMap(Retrieval r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("image-to-text", r.imageToText());
    m.put("text-to-image", r.textToImage());
    m.put("chance", r.chance());
    m.put("pairs", r.pairs());
    return m;
  }

  private static Map<String, Object> stringValues(Map<String, Object> o) {
    Map<String, Object> m = new LinkedHashMap<>();
    o.forEach(
        (k, v) -> m.put(k, v instanceof Number || v instanceof Boolean ? v : String.valueOf(v)));
    return m;
  }

  private static List<Double> doubles(double[] v) {
    List<Double> out = new ArrayList<>(v.length);
    for (double d : v) {
      out.add(d);
    }
    return out;
  }

  private static List<Float> floats(float[] v) {
    List<Float> out = new ArrayList<>(v.length);
    for (float f : v) {
      out.add(f);
    }
    return out;
  }
}
