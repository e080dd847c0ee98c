package com.example.ibex;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Inputs;
import dev.ibex.api.Layout;
import dev.ibex.api.Target;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.options.Options;

/** The sign of the input gradient (the FGSM direction), scaled. */
public final class GradientSign implements Attributor {
  private static final OptionSchema OPTIONS =
      OptionSchema.of(OptionSpec.real("scale", 1.0, "multiplies the sign").withRange(0, 100));

  @Override
  public String name() {
    return "gradient-sign";
  }

  @Override
  public String description() {
    return "Sign of the input gradient (the FGSM direction)";
  }

  @Override
  public OptionSchema options() {
    return OPTIONS;
  }

  @Override
  public Attribution attribute(ExplainableModel model, NDArray input, Target target, Options options) {
    Inputs.requireImageBatch(input);
    long samples = input.getShape().get(0);
    NDArray leaf = input.duplicate(); // a fresh leaf: gradients accumulate across collectors
    leaf.setRequiresGradient(true);
    try (GradientCollector collector = input.getManager().getEngine().newGradientCollector()) {
      NDArray out = model.forward(leaf);
      collector.backward(target.resolve(out.stopGradient()).score(out).sum());
    }
    model.passes().countBackward(samples);
    NDArray values = leaf.getGradient().sign().mul(options.getDouble("scale"));
    leaf.close();
    return Attribution.builder(name(), values, Layout.PIXEL)
        .options(options.asMap())
        .target(target.describe())
        .passes(samples, samples) // one forward and one backward per sample
        .build();
  }
}
