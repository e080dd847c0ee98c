package dev.ibex.api.plugins;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Direction;
import dev.ibex.api.Layout;
import dev.ibex.api.Metric;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Target;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.options.Options;
import java.util.Map;

/** Providers registered in src/test/resources/META-INF/services, good and faulty. */
final class TestPlugins {
  private TestPlugins() {}

  /** A working attributor: the input itself. */
  public static class Good implements Attributor {
    @Override
    public String name() {
      return "test-good";
    }

    @Override
    public String description() {
      return "returns the input";
    }

    @Override
    public Attribution attribute(
        ExplainableModel model, NDArray input, Target target, Options options) {
      return Attribution.builder(name(), input.duplicate(), Layout.PIXEL).build();
    }
  }

  /** Same name as {@link Good}: reported as a duplicate. */
  public static class Duplicate extends Good {}

  /** Its constructor throws: reported, not fatal. */
  public static class Throwing extends Good {
    public Throwing() {
      throw new IllegalStateException("boom in constructor");
    }
  }

  /** Its name is not kebab-case: reported. */
  public static class BadName implements Metric {
    @Override
    public String name() {
      return "Bad_Name";
    }

    @Override
    public String description() {
      return "invalid";
    }

    @Override
    public Direction direction() {
      return Direction.HIGHER_IS_BETTER;
    }

    @Override
    public MetricResult evaluate(MetricInput input, Options options) {
      return MetricResult.of(name(), direction(), new double[0], Map.of());
    }
  }

  /** A plugin that composes others by name: the host hands it its registry. */
  public static class Composing implements dev.ibex.api.Regularizer, dev.ibex.api.RegistryAware {
    private dev.ibex.api.PluginRegistry registry;

    @Override
    public String name() {
      return "test-composing";
    }

    @Override
    public String description() {
      return "remembers the registry it was given";
    }

    @Override
    public void useRegistry(dev.ibex.api.PluginRegistry given) {
      this.registry = given;
    }

    dev.ibex.api.PluginRegistry registry() {
      return registry;
    }

    @Override
    public dev.ibex.api.RegularizerTerm create(Options options) {
      throw new UnsupportedOperationException("not for training");
    }
  }
}
