package dev.ibex.attribution.cam;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.BaseCam;
import dev.ibex.api.spi.LayerCapture;

/**
 * XGrad-CAM (Fu et al., 2020): channel weight {@code Σ_hw g · A / (Σ_hw A + 1e-7)}, the
 * activation-normalised gradient (as pytorch-grad-cam's {@code XGradCAM}). One forward and one
 * backward pass per sample.
 */
@AutoService(Attributor.class)
public final class XGradCam extends BaseCam {
  private static final double EPS = 1e-7;

  public XGradCam() {
    super("x-grad-cam", "Grad-CAM with activation-normalised gradient weights (Fu et al. 2020)");
  }

  @Override
  protected NDArray weights(AttributionContext ctx, LayerCapture capture) {
    NDArray a = capture.activation();
    NDArray weighted = spatialSum(capture.gradient().mul(a));
    return weighted.div(spatialSum(a).add(EPS)).reshape(a.getShape().get(0), a.getShape().get(1));
  }
}
