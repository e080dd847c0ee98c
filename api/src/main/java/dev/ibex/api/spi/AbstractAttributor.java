package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.common.base.Stopwatch;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Inputs;
import dev.ibex.api.Layout;
import dev.ibex.api.Target;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.model.PassCounter;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;
import java.util.Objects;

/**
 * The template every attributor can follow: check options and input, run {@link #compute} in a
 * scratch scope that is closed afterwards, and wrap the values with metadata (passes, time,
 * options, diagnostics). A method names itself in its constructor and says only how it computes its
 * values:
 *
 * <pre>{@code
 * public final class GradientSign extends AbstractAttributor {
 *   public GradientSign() {
 *     super("gradient-sign", "Sign of the input gradient");
 *   }
 *
 *   protected NDArray compute(AttributionContext ctx) {
 *     return Gradients.ofInput(ctx).gradient().sign();
 *   }
 * }
 * }</pre>
 */
public abstract class AbstractAttributor extends AbstractPlugin implements Attributor {

  /**
   * @param name unique kebab-case name
   * @param description one line saying what the method does
   * @param options the options it accepts
   */
  protected AbstractAttributor(String name, String description, OptionSchema options) {
    super(name, description, options);
  }

  /**
   * @param name unique kebab-case name
   * @param description one line saying what the method does
   * @param options the options it accepts, in order (none: no options)
   */
  protected AbstractAttributor(String name, String description, OptionSpec... options) {
    this(name, description, options.length == 0 ? OptionSchema.EMPTY : OptionSchema.of(options));
  }

  @Override
  public final Attribution attribute(
      ExplainableModel model, NDArray input, Target target, Options options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(options, "options");
    requireOwnOptions(options);
    validateInput(input);
    PassCounter.Mark passes = model.passes().mark();
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
              .passes(passes.forward(), passes.backward())
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
