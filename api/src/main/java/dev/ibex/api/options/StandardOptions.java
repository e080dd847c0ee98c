package dev.ibex.api.options;

import java.util.List;
import java.util.Map;

/**
 * ibex's option vocabulary: the options that several plugins take, each with one name, one type
 * and one set of values across attributors and metrics. A plugin adopts one as it is or with its own
 * default ({@link OptionSpec#withDefault}) or documentation ({@link OptionSpec#withDoc}); {@link
 * Vocabulary#check} finds options that drift from it.
 */
public final class StandardOptions {
  private StandardOptions() {}

  /** The split point a layer method works at. */
  public static final OptionSpec LAYER =
      OptionSpec.text("layer", null, "split point whose activation the method uses (required), e.g. conv3");

  /** Per-map normalisation of a result: none, or min-max to [0, 1] per sample. */
  public static final OptionSpec NORMALISE =
      OptionSpec.choice("normalise", "none", List.of("none", "min-max"),
          "per-map normalisation: none, or min-max to [0, 1] per sample");

  /** Rows per model call when a method expands the batch (path points, masks, noise draws, curves). */
  public static final OptionSpec INTERNAL_BATCH_SIZE =
      OptionSpec.integer("internal-batch-size", 64, "rows per model call (internal batching)").withRange(1, 1 << 20);

  /** What a class target's score is (see {@code dev.ibex.api.spi.ScoreMode}). */
  public static final OptionSpec SCORE =
      OptionSpec.choice("score", "softmax", List.of("softmax", "target"),
          "score of a class target: its softmax probability, or the target itself (its logit);"
              + " a score-function target is always its function");

  /** Seed of a method's random draws: the same seed gives the same result. */
  public static final OptionSpec SEED =
      OptionSpec.integer("seed", 0, "seed of the random draws; the same seed gives the same result")
          .withRange(0, Integer.MAX_VALUE);

  /** Which tower of an image-text model an input belongs to. */
  public static final OptionSpec MODALITY =
      OptionSpec.choice("modality", "image", List.of("image", "text"),
          "image: (N, C, H, W) pixels; text: (N, L) token ids");

  /** How (N, C, H, W) attributions become one (H, W) map per sample. */
  public static final OptionSpec CHANNEL_REDUCTION =
      OptionSpec.choice("channel-reduction", "sum", List.of("sum", "abs-sum", "mean", "max-abs"),
          "how (N,C,H,W) attributions become one (H,W) map per sample");

  /** The vocabulary, by name. */
  public static final Map<String, OptionSpec> ALL =
      Map.of(
          LAYER.name(), LAYER,
          NORMALISE.name(), NORMALISE,
          INTERNAL_BATCH_SIZE.name(), INTERNAL_BATCH_SIZE,
          SCORE.name(), SCORE,
          SEED.name(), SEED,
          MODALITY.name(), MODALITY,
          CHANNEL_REDUCTION.name(), CHANNEL_REDUCTION);

  /** Spellings that drift from the vocabulary, and the name to use instead. */
  public static final Map<String, String> SYNONYMS =
      Map.of(
          "normalize", NORMALISE.name(),
          "normalization", NORMALISE.name(),
          "normalisation", NORMALISE.name(),
          "batch-size", INTERNAL_BATCH_SIZE.name(),
          "batch", INTERNAL_BATCH_SIZE.name(),
          "chunk-size", INTERNAL_BATCH_SIZE.name(),
          "random-seed", SEED.name());
}
