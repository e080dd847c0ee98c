package dev.ibex.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Layout;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.Target;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.Options;
import java.util.function.UnaryOperator;

/** Attributors for tests: fixed functions of the input, and the plain input gradient. */
final class TestAttributors {
  private TestAttributors() {}

  /** How a test attributor attributes. */
  @FunctionalInterface
  interface Method {
    Attribution attribute(ExplainableModel model, NDArray input, Target target);
  }

  /** A test attributor without options: its name, description and method. */
  record TestAttributor(String name, String description, Method method) implements Attributor {
    @Override
    public Attribution attribute(
        ExplainableModel model, NDArray input, Target target, Options options) {
      return method.attribute(model, input, target);
    }
  }

  /** An attributor whose (N,C,H,W) map is a function of the input only (it ignores the model). */
  static Attributor of(String name, UnaryOperator<NDArray> f) {
    return new TestAttributor(
        name,
        "test attributor " + name,
        (model, input, target) -> {
          NDArray v = f.apply(input);
          model.passes().countForward(input.getShape().get(0));
          return Attribution.builder(name, v, Layout.PIXEL)
              .passes(input.getShape().get(0), 0)
              .build();
        });
  }

  /** |∂ score / ∂ input| (saliency), one forward and one backward pass. */
  static Attributor gradient() {
    return new TestAttributor(
        "test-gradient",
        "test input gradient",
        (model, input, target) -> {
          NDArray leaf = input.duplicate();
          leaf.setRequiresGradient(true);
          try (GradientCollector c = input.getManager().getEngine().newGradientCollector()) {
            NDArray out = model.forward(leaf);
            ResolvedTarget t = target.resolve(out.stopGradient());
            c.backward(t.score(out).sum());
          }
          NDArray g = leaf.getGradient().abs();
          return Attribution.builder("test-gradient", g, Layout.PIXEL)
              .passes(input.getShape().get(0), input.getShape().get(0))
              .build();
        });
  }
}
