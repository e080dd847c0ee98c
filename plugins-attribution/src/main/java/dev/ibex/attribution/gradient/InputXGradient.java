package dev.ibex.attribution.gradient;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.spi.AbstractAttributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.Gradients;

/**
 * Input × gradient (Shrikumar et al., 2016; Captum's {@code InputXGradient}): {@code x ⊙
 * ∂score/∂x}. One forward and one backward pass per sample. Token ids (N, L): embedding × gradient
 * at the {@code embedding} split point (Captum's {@code LayerGradientXActivation}), summed over the
 * embedding dimension to one score per token.
 */
@AutoService(Attributor.class)
public final class InputXGradient extends AbstractAttributor {

  public InputXGradient() {
    super(
        "input-x-gradient",
        "Input times the gradient of the target score w.r.t. the input",
        TokenEmbeddings.EMBEDDING);
  }

  @Override
  protected void validateInput(NDArray input) {
    TokenEmbeddings.validate(input);
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    if (TokenEmbeddings.isTokens(ctx.input())) {
      NDArray h = TokenEmbeddings.embed(ctx, ctx.input());
      return TokenEmbeddings.perToken(TokenEmbeddings.gradient(ctx, h).mul(h));
    }
    return Gradients.ofInput(ctx).gradient().mul(ctx.input());
  }
}
