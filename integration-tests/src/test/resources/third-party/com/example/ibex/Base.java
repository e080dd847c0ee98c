package com.example.ibex;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Target;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.Options;

/** Shared parent of the faulty test provider. */
public abstract class Base implements Attributor {
  @Override
  public String name() {
    return "exploding";
  }

  @Override
  public String description() {
    return "never constructed";
  }

  @Override
  public Attribution attribute(ExplainableModel model, NDArray input, Target target, Options options) {
    throw new AssertionError("unreachable");
  }
}
