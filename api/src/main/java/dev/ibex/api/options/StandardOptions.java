package dev.ibex.api.options;

import dev.ibex.api.InvalidOptionException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ibex's option vocabulary: the options that several plugins take, each with one name, one type and
 * one set of values across attributors and metrics. A plugin adopts one as it is or with its own
 * default ({@link OptionSpec#withDefault}) or documentation ({@link OptionSpec#withDoc}); {@link
 * Vocabulary#check} finds options that drift from it.
 */
public final class StandardOptions {
  private StandardOptions() {}

  /** The split point a layer method works at. */
  public static final OptionSpec LAYER =
      OptionSpec.text(
          "layer", null, "split point whose activation the method uses (required), e.g. conv3");

  /** Per-map normalisation of a result: none, or min-max to [0, 1] per sample. */
  public static final OptionSpec NORMALISE =
      OptionSpec.choice(
          "normalise",
          "none",
          List.of("none", "minmax"),
          "per-map normalisation: none, or min-max to [0, 1] per sample");

  /**
   * Rows per model call when a method expands the batch (path points, masks, noise draws, curves).
   * Methods that size their chunks from {@link #MEMORY_BUDGET} adopt it without a default: given,
   * it overrides the budget.
   */
  public static final OptionSpec INTERNAL_BATCH_SIZE =
      OptionSpec.integer("internal-batch-size", 64, "rows per model call (internal batching)")
          .withRange(1, 1 << 20);

  /**
   * The working memory, in MiB, that one chunk of rows of a batch-expanding method may use: rows
   * per chunk are this budget over the measured cost of one row (see {@code
   * dev.ibex.api.spi.MemoryBudget}). An explicit {@link #INTERNAL_BATCH_SIZE} overrides it.
   */
  public static final OptionSpec MEMORY_BUDGET =
      OptionSpec.integer(
              "memory-budget",
              128,
              "MiB of working memory per chunk of rows; rows per chunk = budget / measured cost of"
                  + " a row; ignored when internal-batch-size is given")
          .withRange(1, 1 << 24);

  /** What a class target's score is (see {@code dev.ibex.api.spi.ScoreMode}). */
  public static final OptionSpec SCORE =
      OptionSpec.choice(
          "score",
          "softmax",
          List.of("softmax", "target"),
          "score of a class target: its softmax probability, or the target itself (its logit);"
              + " metrics score a score-function target by its function, rise and mfaba ask for score=target");

  /** Seed of a method's random draws: the same seed gives the same result. */
  public static final OptionSpec SEED =
      OptionSpec.integer("seed", 0, "seed of the random draws; the same seed gives the same result")
          .withRange(0, Integer.MAX_VALUE);

  /** Which tower of an image-text model an input belongs to. */
  public static final OptionSpec MODALITY =
      OptionSpec.choice(
          "modality",
          "image",
          List.of("image", "text"),
          "image: (N, C, H, W) pixels; text: (N, L) token ids");

  /** How (N, C, H, W) attributions become one (H, W) map per sample. */
  public static final OptionSpec CHANNEL_REDUCTION =
      OptionSpec.choice(
          "channel-reduction",
          "sum",
          List.of("sum", "abs-sum", "mean", "max-abs"),
          "how (N,C,H,W) attributions become one (H,W) map per sample");

  /**
   * The reference an input is compared with or replaced by (integrated gradients' path start,
   * occlusion's fill, the pixels that insertion/deletion and faithfulness correlation remove):
   * {@code zeros}, {@code blur} (a Gaussian blur of the input), or a constant; from Java also a
   * Number, and an array where a method says so. Numbers, in text or not, must be finite; each
   * method refuses the kinds it cannot use.
   */
  public static final OptionSpec BASELINE =
      OptionSpec.value(
              "baseline",
              "zeros",
              "reference input: zeros, blur (a Gaussian blur of the input) or a constant such as 0.5")
          .withCheck(StandardOptions::baseline);

  private static Object baseline(Object value) {
    if (value instanceof String) {
      String text = ((String) value).trim().toLowerCase(java.util.Locale.ROOT);
      if (text.equals("zeros") || text.equals("zero")) {
        return "zeros";
      }
      if (text.equals("blur")) {
        return text;
      }
      try {
        return baseline(Double.parseDouble(text));
      } catch (NumberFormatException e) {
        throw new InvalidOptionException(
            "option 'baseline' must be zeros, blur or a number, got '" + value + "'");
      }
    }
    if (value instanceof Number) {
      double v = ((Number) value).doubleValue();
      if (!Double.isFinite(v)) {
        throw new InvalidOptionException("option 'baseline' must be finite, got " + v);
      }
      return v;
    }
    return value; // an array or another object: the method decides
  }

  /**
   * How a layer's activation lays out space, mapped to the (N, C, h, w) grid a CAM weighs (see
   * {@code dev.ibex.api.spi.TokenLayout}): {@code nchw} as convolutional nets give it, {@code
   * tokens} (N, P + h·w, C) as ViT and CLIP's image tower ({@link #PREFIX_TOKENS} leading tokens
   * dropped, the rest on a {@link #TOKEN_GRID}), {@code nhwc} channels-last as torchvision's Swin.
   */
  public static final OptionSpec TOKEN_LAYOUT =
      OptionSpec.choice(
          "token-layout",
          "nchw",
          List.of("nchw", "tokens", "nhwc"),
          "layout of the layer's activation: nchw (N, C, h, w); tokens (N, P + h·w, C) as ViT, its"
              + " P prefix tokens dropped; nhwc (N, h, w, C) as torchvision's Swin");

  /** Leading tokens (class, distillation, register tokens) that are not on the patch grid. */
  public static final OptionSpec PREFIX_TOKENS =
      OptionSpec.integer(
              "prefix-tokens",
              1,
              "token-layout=tokens: leading tokens (class, register) dropped before the patch grid")
          .withRange(0, 1 << 20);

  /**
   * The h×w patch grid of a token activation, as text {@code HxW}; not set: the square root of the
   * token count.
   */
  public static final OptionSpec TOKEN_GRID =
      OptionSpec.value(
              "token-grid",
              null,
              "token-layout=tokens: the patch grid as text HxW, e.g. 14x16; not set: square")
          .withCheck(StandardOptions::tokenGrid);

  // H and W in 1..999999999, separated by x (or ×), spaces allowed
  private static final Pattern GRID =
      Pattern.compile("\\s*([0-9]{1,9})\\s*[xX×]\\s*([0-9]{1,9})\\s*");

  private static Object tokenGrid(Object value) {
    Matcher m = GRID.matcher(value instanceof String ? (String) value : "");
    if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(2)) < 1) {
      throw new InvalidOptionException(
          "option 'token-grid' must be text HxW with positive sizes, e.g. 14x14, got '"
              + value
              + "'");
    }
    return Integer.parseInt(m.group(1)) + "x" + Integer.parseInt(m.group(2));
  }

  /** The vocabulary, by name. */
  public static final Map<String, OptionSpec> ALL =
      Map.ofEntries(
          Map.entry(LAYER.name(), LAYER),
          Map.entry(NORMALISE.name(), NORMALISE),
          Map.entry(INTERNAL_BATCH_SIZE.name(), INTERNAL_BATCH_SIZE),
          Map.entry(MEMORY_BUDGET.name(), MEMORY_BUDGET),
          Map.entry(SCORE.name(), SCORE),
          Map.entry(SEED.name(), SEED),
          Map.entry(MODALITY.name(), MODALITY),
          Map.entry(BASELINE.name(), BASELINE),
          Map.entry(CHANNEL_REDUCTION.name(), CHANNEL_REDUCTION),
          Map.entry(TOKEN_LAYOUT.name(), TOKEN_LAYOUT),
          Map.entry(PREFIX_TOKENS.name(), PREFIX_TOKENS),
          Map.entry(TOKEN_GRID.name(), TOKEN_GRID));

  /** Spellings that drift from the vocabulary, and the name to use instead. */
  public static final Map<String, String> SYNONYMS =
      Map.of(
          "normalize", NORMALISE.name(),
          "normalization", NORMALISE.name(),
          "normalisation", NORMALISE.name(),
          "batch-size", INTERNAL_BATCH_SIZE.name(),
          "batch", INTERNAL_BATCH_SIZE.name(),
          "chunk-size", INTERNAL_BATCH_SIZE.name(),
          "memory-limit", MEMORY_BUDGET.name(),
          "random-seed", SEED.name(),
          "token-prefix", PREFIX_TOKENS.name(),
          "patch-grid", TOKEN_GRID.name());
}
