package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.StandardOptions;

/**
 * The class activation map template (after pytorch-grad-cam's {@code BaseCAM}): capture a layer's
 * activation {@code A} (N, C, h, w) and the gradient of the target score with respect to it, weigh
 * the activation, sum over channels, ReLU, upsample bilinearly (align_corners=false) to the input
 * size and optionally min-max normalise each map ({@code normalise=minmax}: as pytorch-grad-cam's
 * {@code scale_cam_image}, once at the layer resolution and once after upsampling). A method only
 * defines its weights ({@link #weights}): per channel (N, C), or per element (N, C, h, w).
 *
 * <p>Transformer layers: {@code token-layout=tokens} (ViT's (N, P + h·w, C), {@code prefix-tokens}
 * P dropped, {@code token-grid}) or {@code nhwc} (Swin's (N, h, w, C)) maps the activation and its
 * gradient to (N, C, h, w) first ({@link TokenLayout}, pytorch-grad-cam's {@code
 * reshape_transform}); the methods see the grid only.
 *
 * <p>Output: (N, H, W) maps at input resolution, or (N, h, w) with {@code upsample=false}.
 *
 * <p>A CAM says only how it weighs channels:
 *
 * <pre>{@code
 * public final class GradCam extends BaseCam {
 *   public GradCam() {
 *     super("grad-cam", "Layer activations weighed by their spatially averaged gradients");
 *   }
 *
 *   protected NDArray weights(AttributionContext ctx, LayerCapture capture) {
 *     return capture.gradient().mean(new int[] {3}).mean(new int[] {2});
 *   }
 * }
 * }</pre>
 */
public abstract class BaseCam extends AbstractAttributor {
  /** pytorch-grad-cam's {@code scale_cam_image}: {@code (m − min) / (max(m − min) + 1e-7)}. */
  protected static final double MINMAX_EPS = 1e-7;

  /** The options every CAM method takes. */
  protected static final OptionSchema CAM_OPTIONS =
      OptionSchema.of(
          StandardOptions.LAYER.withDoc(
              "split point whose activation is weighed (required), e.g. conv3"),
          StandardOptions.NORMALISE,
          OptionSpec.bool(
              "upsample", true, "upsample to the input size (true) or keep the layer resolution"),
          StandardOptions.TOKEN_LAYOUT,
          StandardOptions.PREFIX_TOKENS,
          StandardOptions.TOKEN_GRID);

  /**
   * A CAM with the options every CAM takes ({@link #CAM_OPTIONS}).
   *
   * @param name unique kebab-case name
   * @param description one line saying how it weighs channels
   */
  protected BaseCam(String name, String description) {
    this(name, description, CAM_OPTIONS);
  }

  /**
   * A CAM with more options: {@code CAM_OPTIONS.plus(...)}.
   *
   * @param name unique kebab-case name
   * @param description one line saying how it weighs channels
   * @param options the options, starting with {@link #CAM_OPTIONS}
   */
  protected BaseCam(String name, String description, OptionSchema options) {
    super(name, description, options);
  }

  /**
   * @return whether {@link #weights} needs the gradient (one backward pass per sample)
   */
  protected boolean usesGradients() {
    return true;
  }

  /**
   * The weights of the activation.
   *
   * @param ctx the call
   * @param capture activation (N, C, h, w) (after the {@link TokenLayout}), its gradient (when
   *     {@link #usesGradients()}) and the target scores
   * @return (N, C) channel weights or (N, C, h, w) element weights
   */
  protected abstract NDArray weights(AttributionContext ctx, LayerCapture capture);

  @Override
  protected final NDArray compute(AttributionContext ctx) {
    String layer = ctx.options().getString("layer");
    TokenLayout layout = TokenLayout.of(ctx.options()); // a bad combination fails before any pass
    LayerCapture capture = layout.toGrid(LayerCapture.of(ctx, layer, usesGradients()), layer);
    Shape a = capture.activation().getShape();
    NDArray w = weights(ctx, capture);
    if (w.getShape().dimension() == 2) {
      w = w.reshape(a.get(0), a.get(1), 1, 1);
    }
    NDArray cam = w.mul(capture.activation()).sum(new int[] {1}).maximum(0f);
    boolean minmax = ctx.options().getString("normalise").equals("minmax");
    if (ctx.options().getBoolean("upsample")) {
      // pytorch-grad-cam scales before and after resizing; the first matters through its epsilon
      // when a map's values are tiny (1e-4 maps differ by 1e-3 otherwise)
      cam = minmax ? MinMax.perSample(cam, MINMAX_EPS) : cam;
      Shape in = ctx.input().getShape();
      cam = Bilinear.resize(cam, (int) in.get(2), (int) in.get(3), false);
    }
    return minmax ? MinMax.perSample(cam, MINMAX_EPS) : cam;
  }

  /**
   * Sum over the spatial axes of (N, C, h, w), keeping them as size 1.
   *
   * @param x the array
   * @return (N, C, 1, 1)
   */
  protected static NDArray spatialSum(NDArray x) {
    return x.sum(new int[] {3}, true).sum(new int[] {2}, true);
  }
}
