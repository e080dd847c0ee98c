package dev.ibex.attribution.gradient;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.spi.AbstractAttributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.Gradients;

/**
 * Saliency (Simonyan et al., 2014): the gradient of the target score with respect to the input, in
 * absolute value by default (as Captum's {@code Saliency(abs=True)}). One forward and one backward
 * pass per sample. Token ids (N, L): the gradient at the embeddings of the {@code embedding} split
 * point, one score per token (summed over the embedding dimension, after the absolute value).
 */
@AutoService(Attributor.class)
public final class Saliency extends AbstractAttributor {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(
          OptionSpec.bool("abs", true, "return |gradient| (true) or the signed gradient"),
          TokenEmbeddings.EMBEDDING);

  public Saliency() {
    super(
        "saliency",
        "Gradient of the target score w.r.t. the input (Simonyan et al. 2014)",
        OPTIONS);
  }

  @Override
  protected void validateInput(NDArray input) {
    TokenEmbeddings.validate(input);
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    boolean tokens = TokenEmbeddings.isTokens(ctx.input());
    NDArray grad =
        tokens
            ? TokenEmbeddings.gradient(ctx, TokenEmbeddings.embed(ctx, ctx.input()))
            : Gradients.ofInput(ctx).gradient();
    NDArray values = ctx.options().getBoolean("abs") ? grad.abs() : grad;
    return tokens ? TokenEmbeddings.perToken(values) : values;
  }
}
