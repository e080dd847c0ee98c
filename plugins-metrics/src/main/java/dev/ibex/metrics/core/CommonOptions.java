package dev.ibex.metrics.core;

import dev.ibex.api.options.OptionSpec;
import java.util.List;

/** Options shared by several metrics, declared once so that they read the same everywhere. */
public final class CommonOptions {
  private CommonOptions() {}

  /** How an (N, C, H, W) attribution becomes one (H, W) map per sample. */
  public static final OptionSpec CHANNEL_REDUCTION =
      OptionSpec.choice(
          "channel-reduction",
          "sum",
          List.of("sum", "abs-sum", "mean", "max-abs"),
          "how (N,C,H,W) attributions become one (H,W) map per sample");

  /** Rows per model (or attributor) call. */
  public static final OptionSpec BATCH_SIZE =
      OptionSpec.integer("batch-size", 32, "rows per model call (internal batching)").withRange(1, 65536);

  /** The score of a class target: softmax probability or logit. */
  public static final OptionSpec SCORE =
      OptionSpec.choice(
          "score",
          "softmax",
          List.of("softmax", "logit"),
          "score of a class target: its softmax probability or its logit (score-function targets use the function)");

  /** Seed of the metric's random draws. */
  public static final OptionSpec SEED = OptionSpec.integer("seed", 0, "seed of the random draws");
}
