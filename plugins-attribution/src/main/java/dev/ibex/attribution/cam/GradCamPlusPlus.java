package dev.ibex.attribution.cam;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.BaseCam;
import dev.ibex.api.spi.LayerCapture;

/**
 * Grad-CAM++ (Chattopadhay et al., 2018), with pytorch-grad-cam's closed form of eq. 19: {@code α =
 * g² / (2g² + Σ_hw A · g³ + 1e-6)}, channel weight {@code Σ_hw α · ReLU(g)}. One forward and one
 * backward pass per sample.
 */
@AutoService(Attributor.class)
public final class GradCamPlusPlus extends BaseCam {
  private static final double EPS = 1e-6;

  public GradCamPlusPlus() {
    super(
        "grad-cam-plus-plus",
        "Grad-CAM with higher-order pixel weights (Chattopadhay et al. 2018)");
  }

  @Override
  protected NDArray weights(AttributionContext ctx, LayerCapture capture) {
    NDArray g = capture.gradient();
    NDArray g2 = g.square();
    NDArray g3 = g2.mul(g);
    NDArray alpha = g2.div(g2.mul(2).add(spatialSum(capture.activation()).mul(g3)).add(EPS));
    // where g == 0, alpha is 0/eps = 0, which is pytorch-grad-cam's where(grads != 0, alpha, 0)
    return alpha.mul(g.maximum(0f)).sum(new int[] {3}).sum(new int[] {2});
  }
}
