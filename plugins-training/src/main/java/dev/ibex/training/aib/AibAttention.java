package dev.ibex.training.aib;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Layout;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.spi.AbstractAttributor;
import dev.ibex.api.spi.AttributionContext;
import dev.ibex.api.spi.Bilinear;

/**
 * The attention map of a model trained with {@code aib}: the attention mean μ_a (optionally snapped
 * to the nearest anchor), upsampled bilinearly (align_corners = false) to the input size. It is
 * class-agnostic: the target is recorded but does not change the map. One forward pass per sample
 * (through the attention branch), no backward.
 */
@AutoService(Attributor.class)
public final class AibAttention extends AbstractAttributor {

  public AibAttention() {
    super(
        "aib-attention",
        "Attention map of a model trained with the aib regularizer, upsampled to the input",
        OptionSpec.bool(
            "quantise", false, "snap the attention mean to the nearest trained anchor"));
  }

  @Override
  protected NDArray compute(AttributionContext ctx) {
    AibModel aib = aibModel(ctx.model());
    NDArray x = ctx.input();
    NDArray map = aib.attentionMean(new ParameterStore(ctx.scratch(), false), x);
    if (ctx.options().getBoolean("quantise")) {
      map = AibModel.nearestAnchor(map, aib.anchors());
    }
    ctx.model().passes().countForward(ctx.samples()); // the attention branch, not model.forward
    int h = (int) x.getShape().get(2);
    int w = (int) x.getShape().get(3);
    return Bilinear.resize(map, h, w, false).reshape(ctx.samples(), h, w).stopGradient();
  }

  @Override
  protected Layout layout(NDArray values) {
    return Layout.SPATIAL;
  }

  private static AibModel aibModel(ExplainableModel model) {
    if (model instanceof BlockModel && ((BlockModel) model).block() instanceof AibModel) {
      return (AibModel) ((BlockModel) model).block();
    }
    throw new InvalidInputException(
        "aib-attention explains only models trained with the 'aib' regularizer (an"
            + " AibModel in a BlockModel); got "
            + (model instanceof BlockModel
                ? ((BlockModel) model).block().getClass().getSimpleName()
                : model.getClass().getSimpleName()));
  }
}
