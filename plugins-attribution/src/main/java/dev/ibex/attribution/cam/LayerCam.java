package dev.ibex.attribution.cam;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.BaseCam;
import dev.ibex.api.spi.LayerCapture;

/**
 * LayerCAM (Jiang et al., 2021): every activation element weighs by its own positive gradient,
 * {@code ReLU(g) ⊙ A}, summed over channels (as pytorch-grad-cam's {@code LayerCAM}). One forward
 * and one backward pass per sample.
 */
@AutoService(Attributor.class)
public final class LayerCam extends BaseCam {

  public LayerCam() {
    super(
        "layer-cam",
        "Activations weighed element-wise by their positive gradients (Jiang et al. 2021)");
  }

  @Override
  protected NDArray weights(AttributionContext ctx, LayerCapture capture) {
    return capture.gradient().maximum(0f);
  }
}
