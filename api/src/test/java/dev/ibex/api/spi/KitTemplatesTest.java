package dev.ibex.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import dev.ibex.api.Attribution;
import dev.ibex.api.Direction;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Target;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.options.OptionSchema;
import dev.ibex.api.options.OptionSpec;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The templates do the ceremony: identity from the constructor, option and input checks, passes,
 * needs.
 */
class KitTemplatesTest {
  /** Input × gradient in three lines: what a plugin author writes. */
  static final class Product extends AbstractAttributor {
    Product() {
      super("product", "input times gradient", OptionSpec.real("scale", 1.0, "multiplies the map"));
    }

    @Override
    protected NDArray compute(AttributionContext ctx) {
      return Gradients.ofInput(ctx)
          .gradient()
          .mul(ctx.input())
          .mul(ctx.options().getDouble("scale"));
    }
  }

  /** The mean of the maps, a metric that needs a model too (to show the upfront check). */
  static final class MeanMap extends AbstractMetric {
    MeanMap() {
      super(
          "mean-map",
          "mean of each map",
          Direction.HIGHER_IS_BETTER,
          Set.of(MetricInput.Part.ATTRIBUTIONS, MetricInput.Part.MODEL));
    }

    @Override
    protected Scores compute(MetricContext ctx) {
      return Scores.perSample(
          SampleRows.toDoubles(ctx.attributions().reshape(2, -1).mean(new int[] {1})));
    }
  }

  private NDManager manager;
  private BlockModel model;

  @BeforeEach
  void linearModel() {
    manager = NDManager.newBaseManager();
    SequentialBlock net =
        new SequentialBlock()
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(2).optBias(false).build());
    net.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 2, 2));
    for (Pair<String, Parameter> p : net.getParameters()) {
      p.getValue().getArray().set(new float[] {1, 2, 3, 4, -1, -2, -3, -4});
    }
    model = BlockModel.of(net, manager);
  }

  @AfterEach
  void close() {
    model.close();
    manager.close();
  }

  @Test
  void anAttributorIsItsLogicAndTheTemplateDoesTheRest() {
    Product product = new Product();
    assertThat(product.name()).isEqualTo("product");
    assertThat(product.options().specs()).extracting(OptionSpec::name).containsExactly("scale");
    try (NDManager caller = manager.newSubManager()) {
      NDArray x = caller.create(new float[] {1, 1, 1, 1, 2, 2, 2, 2}, new Shape(2, 1, 2, 2));
      Attribution a =
          product.attribute(
              model, x, Target.ofClass(0), product.options().defaults().with("scale", 2.0));
      // d(w·x)/dx = w: x ⊙ w · 2
      assertThat(a.values().toFloatArray()).containsExactly(2, 4, 6, 8, 4, 8, 12, 16);
      assertThat(a.forwardPassesPerSample()).isEqualTo(1.0);
      assertThat(a.backwardPassesPerSample()).isEqualTo(1.0);
      assertThat(a.options()).containsEntry("scale", 2.0);
      assertThat(caller.getManagedArrays()).hasSize(2); // x and the result: intermediates freed
    }
  }

  @Test
  void theTemplateRefusesForeignOptionsBadInputAndBadNames() {
    Product product = new Product();
    NDArray x = manager.ones(new Shape(2, 1, 2, 2));
    assertThatThrownBy(
            () ->
                product.attribute(
                    model,
                    x,
                    Target.ofClass(0),
                    OptionSchema.of(OptionSpec.real("scale", 1.0, "x")).defaults()))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("own schema");
    assertThatThrownBy(
            () -> product.attribute(model, manager.ones(new Shape(2, 4)), Target.ofClass(0)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("rank 4");
    assertThatThrownBy(
            () ->
                new AbstractAttributor("Bad Name", "x") {
                  @Override
                  protected NDArray compute(AttributionContext ctx) {
                    return ctx.input();
                  }
                })
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kebab-case");
  }

  @Test
  void aMetricSaysWhatItNeedsAndIsRefusedWithoutIt() {
    MeanMap metric = new MeanMap();
    NDArray maps = manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
    MetricInput onlyMaps = MetricInput.builder().attributions(maps).build();
    assertThat(metric.needs(metric.options().defaults()))
        .containsExactlyInAnyOrder(MetricInput.Part.ATTRIBUTIONS, MetricInput.Part.MODEL);
    assertThat(onlyMaps.missing(metric.needs(metric.options().defaults())))
        .containsExactly(MetricInput.Part.MODEL);
    assertThatThrownBy(() -> metric.evaluate(onlyMaps))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("metric 'mean-map' needs the model");
    MetricResult r = metric.evaluate(onlyMaps.toBuilder().model(model).build());
    assertThat(r.perSample()).containsExactly(2.0, 5.0);
  }

  @Test
  void aMetricInputComesFromAnAttributionInOneCall() {
    Product product = new Product();
    NDArray x = manager.ones(new Shape(2, 1, 2, 2));
    Attribution a =
        product.attribute(
            model, x, Target.ofClass(1), product.options().defaults().with("scale", 3.0));
    MetricInput in = MetricInput.of(a, product, model, x, Target.ofClass(1));
    assertThat(in.attributions()).containsSame(a.values());
    assertThat(in.attributor()).containsSame(product);
    assertThat(in.attributorOptions().orElseThrow().getDouble("scale")).isCloseTo(3.0, within(0.0));
    assertThat(in.missing(Set.of(MetricInput.Part.values())))
        .containsExactly(MetricInput.Part.TOKEN_IDS, MetricInput.Part.MASKS);
  }
}
