package dev.ibex.attribution.cam;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.BaseCam;
import dev.ibex.api.spi.LayerCapture;

/**
 * Grad-CAM (Selvaraju et al., 2017): each channel weighs by its gradient averaged over space, as
 * Captum's {@code LayerGradCam} and pytorch-grad-cam's {@code GradCAM}. One forward and one
 * backward pass per sample.
 */
@AutoService(Attributor.class)
public final class GradCam extends BaseCam {

  public GradCam() {
    super(
        "grad-cam",
        "Layer activations weighed by their spatially averaged gradients (Selvaraju et al. 2017)");
  }

  @Override
  protected NDArray weights(AttributionContext ctx, LayerCapture capture) {
    NDArray g = capture.gradient();
    return g.mean(new int[] {3}).mean(new int[] {2});
  }
}
