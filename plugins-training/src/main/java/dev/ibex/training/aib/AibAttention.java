package dev.ibex.training.aib;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.google.auto.service.AutoService;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.Layout;
import dev.ibex.api.Target;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import java.time.Duration;

/**
 * The attention map of a model trained with {@code aib}: the attention mean μ_a (optionally snapped
 * to the nearest anchor), upsampled bilinearly (align_corners = false) to the input size. It is
 * class-agnostic: the target is recorded but does not change the map.
 */
@AutoService(Attributor.class)
public final class AibAttention implements Attributor {
  private static final OptionSchema OPTIONS = OptionSchema.of(
      OptionSpec.bool("quantise", false, "snap the attention mean to the nearest trained anchor"));

  @Override
  public String name() {
    return "aib-attention";
  }

  @Override
  public String description() {
    return "Attention map of a model trained with the aib regularizer, upsampled to the input";
  }

  @Override
  public OptionSchema options() {
    return OPTIONS;
  }

  @Override
  public Attribution attribute(ExplainableModel model, NDArray input, Target target, Options options) {
    if (options.schema() != OPTIONS) {
      throw new InvalidOptionException("options for 'aib-attention' must come from its own schema (use options().defaults())");
    }
    if (!(model instanceof BlockModel) || !(((BlockModel) model).block() instanceof AibModel)) {
      throw new InvalidInputException("aib-attention explains only models trained with the 'aib' regularizer (an AibModel in a BlockModel); got "
          + (model instanceof BlockModel ? ((BlockModel) model).block().getClass().getSimpleName() : model.getClass().getSimpleName()));
    }
    if (input.getShape().dimension() != 4) {
      throw new InvalidInputException("aib-attention needs (N, C, H, W) images, got " + input.getShape());
    }
    long start = System.nanoTime();
    AibModel aib = (AibModel) ((BlockModel) model).block();
    NDArray result;
    try (NDManager scratch = input.getManager().newSubManager()) {
      NDArray x = input.duplicate();
      scratch.attachInternal("x", x);
      NDArray map = aib.attentionMean(new ParameterStore(scratch, false), x);
      if (options.getBoolean("quantise")) {
        map = AibModel.nearestAnchor(map, aib.anchors());
      }
      long h = input.getShape().get(2);
      long w = input.getShape().get(3);
      NDArray up = map.getNDArrayInternal().interpolation(new long[] {h, w}, 1, false); // 1 = bilinear
      result = up.reshape(input.getShape().get(0), h, w).stopGradient();
      result.attach(input.getManager());
    }
    model.passes().countForward(input.getShape().get(0));
    return Attribution.builder(name(), result, Layout.SPATIAL)
        .options(options.asMap())
        .target(target.describe() + " (class-agnostic)")
        .passes(input.getShape().get(0), 0)
        .wallTime(Duration.ofNanos(System.nanoTime() - start))
        .build();
  }
}
