package dev.ibex.demo;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the S-IB experiment runs ({@link SibExperiment}).
 *
 * @param trainSize training scenes (the first Fashion-MNIST training garments)
 * @param validSize validation scenes (the training garments after those), for the weight choice
 * @param testSize test scenes (the first test garments), for accuracy
 * @param evalSize test scenes explained and scored
 * @param shown test scenes whose heatmaps the report shows
 * @param epochs epochs per run
 * @param batchSize batch size
 * @param learningRate Adam's base rate (cosine schedule)
 * @param width channels of the residual CNN's first block
 * @param canvas side of the scenes
 * @param cue probability of the class's own background texture in training, validation and the
 *     in-distribution test
 * @param dataSeed seed of the scenes (the same for every training seed)
 * @param seeds training seeds (initialisation and shuffling), each run plain and with s-ib
 * @param candidates s-ib option sets the weights are chosen from
 * @param selectionSize training scenes of the runs that choose among the candidates
 * @param curveSteps steps of the insertion and deletion curves
 * @param igSteps integrated gradients' quadrature nodes
 */
public record SibConfig(
    int trainSize,
    int validSize,
    int testSize,
    int evalSize,
    int shown,
    int epochs,
    int batchSize,
    float learningRate,
    int width,
    int canvas,
    double cue,
    long dataSeed,
    List<Long> seeds,
    List<Map<String, String>> candidates,
    int selectionSize,
    int curveSteps,
    int igSteps) {

  /** Checks the sizes. */
  public SibConfig {
    checkArgument(trainSize >= batchSize, "fewer training images than one batch");
    checkArgument(validSize >= 1 && testSize >= 1, "validation and test sets must not be empty");
    checkArgument(evalSize >= 1 && evalSize <= testSize, "eval size must be in [1, test size]");
    checkArgument(!seeds.isEmpty(), "at least one seed");
    checkArgument(!candidates.isEmpty(), "at least one s-ib candidate");
    seeds = List.copyOf(seeds);
    candidates = List.copyOf(candidates);
    shown = Math.min(shown, evalSize);
  }

  /**
   * The paper's form (L = CE + bg-weight·L_bg − fg-weight·HSIC) at two strengths: the candidates
   * the full and the quick demo choose from.
   */
  public static final List<Map<String, String>> CANDIDATES =
      List.of(
          Map.of("form", "linear", "bg-weight", "1e4", "fg-weight", "1"),
          Map.of("form", "linear", "bg-weight", "1e5", "fg-weight", "10"));

  /**
   * The full demo: 4000 training scenes, 3 epochs, three seeds, 48 scenes scored; the s-ib weights
   * chosen by runs on the first 1000 training scenes.
   *
   * @param seed the first seed (the others follow it)
   * @return the configuration
   */
  public static SibConfig full(long seed) {
    return new SibConfig(
        4000,
        500,
        1000,
        48,
        6,
        3,
        64,
        3e-3f,
        16,
        56,
        CuedScenes.TRAINING_CUE,
        seed,
        List.of(seed, seed + 1, seed + 2),
        CANDIDATES,
        1000,
        28,
        16);
  }

  /**
   * The quick demo (CI): 1024 training scenes, 2 epochs, one seed, the first candidate only.
   *
   * @param seed the seed
   * @return the configuration
   */
  public static SibConfig quick(long seed) {
    return new SibConfig(
        1024,
        128,
        200,
        16,
        4,
        2,
        64,
        3e-3f,
        16,
        56,
        CuedScenes.TRAINING_CUE,
        seed,
        List.of(seed),
        CANDIDATES.subList(0, 1),
        256,
        14,
        8);
  }

  /**
   * @return a one-line description of the data
   */
  public String describeData() {
    return String.format(
        Locale.ROOT,
        "%d training, %d validation, %d test garments on %dx%d textured canvases, the class's own"
            + " texture with probability %.2f (cue-shuffled copies: 0.10)",
        trainSize,
        validSize,
        testSize,
        canvas,
        canvas,
        cue);
  }
}
