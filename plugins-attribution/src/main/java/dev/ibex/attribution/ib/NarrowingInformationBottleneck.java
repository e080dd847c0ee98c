package dev.ibex.attribution.ib;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.attribution.core.PathIntegral;

/**
 * NIB, the Narrowing Information Bottleneck attribution for image-text models (Zhu et al., ICLR
 * 2025), as the authors' code computes it: at the hidden state h entering transformer block {@code
 * layer}, {@code A = Σ_{i=1..n} h ⊙ ∇_{h'} score(tail(h'))|_{h'=(i/n)·h} / n} — a right Riemann sum
 * of integrated gradients from a zero baseline over the whole token tensor — summed over channels.
 * The score is usually {@code Target.cosineSimilarity(otherTowerEmbeddings)}. Image: class token
 * dropped, patch grid upsampled bilinearly to the input; text: one score per token (SOT/EOT
 * included); per-sample min-max. Deterministic. All {@code steps} scales of all samples go through
 * the model in chunks ({@code internal-batch-size} rows when given, else as many as {@code
 * memory-budget} allows; the result does not depend on it): {@code steps} forward and backward
 * passes per sample through the tail, plus one forward to resolve a class target (none for a score
 * target).
 *
 * <p>The model must offer the layer as a split point; a text tower whose tail needs the token ids
 * (EOT pooling) declares {@code tailTakesInput} (see {@link dev.ibex.api.model.TorchScriptModel}).
 */
@AutoService(Attributor.class)
public final class NarrowingInformationBottleneck extends TokenAttributor {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          StandardOptions.LAYER.withDoc(
              "split point: the hidden state entering this block (required)"),
          OptionSpec.integer("steps", 10, "scales i/steps, i = 1..steps (the paper's num_steps)")
              .withRange(1, 10_000),
          MODALITY,
          CLASS_TOKEN,
          NORMALISE,
          StandardOptions.INTERNAL_BATCH_SIZE
              .withDefault(null)
              .withDoc(
                  "rows (sample × scale) per model call; when not given, as many as memory-budget"
                      + " allows"),
          StandardOptions.MEMORY_BUDGET);

  public NarrowingInformationBottleneck() {
    super(
        "nib",
        "Narrowing Information Bottleneck for image-text models (Zhu et al. ICLR 2025), image or text side",
        OPTIONS);
  }

  @Override
  protected NDArray tokenScores(AttributionContext ctx, String layer, NDArray h) {
    Options o = ctx.options();
    int steps = o.getInt("steps");
    NDArray x = ctx.input();
    ResolvedTarget target = ctx.resolvedTarget();
    // right Riemann sum from 0 to h: nodes i/n, weights 1/n; the tail also gets each row's input
    double[] alphas = new double[steps];
    double[] weights = new double[steps];
    for (int i = 0; i < steps; i++) {
      alphas[i] = (i + 1) / (double) steps;
      weights[i] = 1.0 / steps;
    }
    NDArray sum =
        PathIntegral.atLayer(
            ctx,
            layer,
            h.zerosLike(),
            h,
            alphas,
            weights,
            x,
            target,
            name() + " scaled activations at " + layer);
    return sum.mul(h).sum(new int[] {-1}); // h ⊙ Σ w ∇, summed over channels -> (N, T)
  }
}
