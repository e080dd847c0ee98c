package dev.ibex.attribution.gradient;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.spi.AbstractAttributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.Gradients;
import dev.ibex.api.spi.SampleRows;

/**
 * FastIG (Hesse, Schaub-Meyer and Roth, "Fast Axiomatic Attribution for Neural Networks", NeurIPS
 * 2021): {@code x ⊙ ∂F/∂x} in a single forward and backward pass.
 *
 * <p>For a nonnegatively homogeneous model, {@code F(αx) = αF(x)} for α ≥ 0 (e.g. a ReLU network
 * without bias terms, the paper's X-DNNs), the gradient is constant along the ray from 0 to x, so
 * this equals integrated gradients with the zero baseline exactly, and Euler's identity {@code Σ x
 * ⊙ ∂F/∂x = F(x)} holds. On other models it is input × gradient, an approximation.
 *
 * <p>Diagnostic {@code homogeneity-gap} = Σ attribution − F(x) per sample, free (F(x) comes with
 * the gradient): zero when the model is nonnegatively homogeneous at x, so it tells whether the
 * attribution is exact IG.
 */
@AutoService(Attributor.class)
public final class FastIG extends AbstractAttributor {

  public FastIG() {
    super(
        "fast-ig",
        "FastIG: input x gradient, exact integrated gradients on nonnegatively homogeneous models (Hesse et al. 2021)");
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    Gradients.Result r = Gradients.ofInput(ctx);
    NDArray attribution = r.gradient().mul(ctx.input());
    double[] sums = SampleRows.sumPerSample(attribution);
    double[] scores = SampleRows.toDoubles(r.scores());
    double[] gap = new double[sums.length];
    for (int i = 0; i < gap.length; i++) {
      gap[i] = sums[i] - scores[i];
    }
    ctx.diagnostic("homogeneity-gap", gap);
    return attribution;
  }
}
