package dev.ibex.attribution.gradient;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.attribution.core.AbstractAttributor;
import dev.ibex.attribution.core.AttributionContext;
import dev.ibex.attribution.core.Gradients;
import dev.ibex.attribution.core.SampleRows;

/**
 * Input × gradient (Shrikumar et al., 2016; Captum's {@code InputXGradient}): {@code x ⊙ ∂score/∂x}.
 * One forward and one backward pass per sample.
 */
@AutoService(Attributor.class)
public final class InputXGradient extends AbstractAttributor {
  @Override
  public String name() {
    return "input-x-gradient";
  }

  @Override
  public String description() {
    return "Input times the gradient of the target score w.r.t. the input";
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    int[] rows = SampleRows.identity(ctx.samples());
    NDArray grad = Gradients.ofInput(ctx.model(), ctx.input(), null, ctx::resolveWith, rows).gradient();
    return grad.mul(ctx.input());
  }
}
