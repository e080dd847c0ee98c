package com.example.ibex;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.spi.AbstractAttributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.Gradients;

/** The sign of the input gradient (the FGSM direction), scaled. */
public final class GradientSign extends AbstractAttributor {
  public GradientSign() {
    super("gradient-sign", "Sign of the input gradient (the FGSM direction)",
        OptionSpec.real("scale", 1.0, "multiplies the sign").withRange(0, 100));
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    NDArray gradient = Gradients.ofInput(ctx).gradient(); // one forward and one backward pass
    return gradient.sign().mul(ctx.options().getDouble("scale"));
  }
}
