package dev.ibex.attribution.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.common.base.Stopwatch;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Inputs;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.Layout;
import dev.ibex.api.Target;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.Options;
import java.util.Objects;

/**
 * The template every built-in attributor follows: check options and input, run {@link #compute} in
 * a scratch scope that is closed afterwards, and wrap the values with metadata (passes, time,
 * options, diagnostics). A method only says how it computes its values.
 */
public abstract class AbstractAttributor implements Attributor {

  @Override
  public final Attribution attribute(ExplainableModel model, NDArray input, Target target, Options options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(options, "options");
    if (options.schema() != options()) {
      throw new InvalidOptionException(
          "options for '" + name() + "' must come from its own schema (use options().defaults())");
    }
    validateInput(input);
    long forward0 = model.passes().forward();
    long backward0 = model.passes().backward();
    Stopwatch watch = Stopwatch.createStarted();
    try (NDManager scratch = input.getManager().newSubManager()) {
      // a scratch-owned copy: whatever is derived from it lives in scratch and is freed with it
      NDArray local = input.duplicate();
      local.attach(scratch);
      AttributionContext ctx = new AttributionContext(model, local, target, options, scratch);
      NDArray values = compute(ctx);
      values.attach(input.getManager());
      Attribution.Builder result =
          Attribution.builder(name(), values, layout(values))
              .options(options.asMap())
              .target(target.describe())
              .passes(model.passes().forward() - forward0, model.passes().backward() - backward0)
              .wallTime(watch.elapsed());
      ctx.diagnostics().forEach(result::diagnostic);
      return result.build();
    }
  }

  /**
   * Checks the input before anything runs. Default: an image batch (N, C, H, W) with finite values.
   *
   * @param input the input batch
   */
  protected void validateInput(NDArray input) {
    Inputs.requireImageBatch(input);
  }

  /**
   * Computes the attribution values. Intermediates go on {@link AttributionContext#scratch()}.
   *
   * @param ctx the call
   * @return the values (moved to the input's manager by the caller)
   */
  protected abstract NDArray compute(AttributionContext ctx);

  /**
   * The layout of the values, by default inferred from their rank (4: pixel, 3: spatial, 2: token).
   *
   * @param values the computed values
   * @return the layout
   */
  protected Layout layout(NDArray values) {
    switch (values.getShape().dimension()) {
      case 4:
        return Layout.PIXEL;
      case 3:
        return Layout.SPATIAL;
      case 2:
        return Layout.TOKEN;
      default:
        return Layout.OTHER;
    }
  }
}
