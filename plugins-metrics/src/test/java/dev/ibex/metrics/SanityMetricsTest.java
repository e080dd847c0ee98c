package dev.ibex.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Metric;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.model.TorchScriptModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Model-parameter randomisation (Adebayo et al. 2018) on Java-built models. */
class SanityMetricsTest extends ManagerFixture {

  static MetricResult run(ExplainableModel m, Attributor a, NDArray x, Map<String, ?> options) {
    MetricInput in = MetricsUnderTest.classZero(m, x).attributor(a, null).build();
    return MetricsUnderTest.evaluate("model-randomisation", in, options);
  }

  static NDArray images(int n, long seed) {
    return TestModels.images(manager, Pixels.uniform(n, seed));
  }

  @Test
  void byHandWithAKnownReinitialisation() {
    // one linear layer, weights R on class 0: the gradient map is R. The layer's initializer is set
    // to give class-0 weights 0..15 (pixel index): the randomised map is the pixel index.
    // Spearman(R, index) is the point-biserial correlation of R with 0..15: (2.5 - 110/12) /
    // sqrt(21.25) * sqrt(4*12/256) = -0.62622 (scipy.stats.spearmanr gives -0.6262242910851494)
    try (BlockModel lin = TestModels.weightedSum(manager, LocalisationMetricsTest.MASK)) {
      Parameter w = lin.block().getChildren().get(1).getValue().getParameters().get("weight");
      Initializer index =
          (m, shape, type) -> {
            float[] v = new float[32];
            for (int p = 0; p < 16; p++) {
              v[p] = p;
            }
            return m.create(v, shape);
          };
      w.setInitializer(index);
      float[] before = w.getArray().toFloatArray();
      MetricResult r = run(lin, TestAttributors.gradient(), images(1, 1), Map.of());
      assertThat(r.value()).isCloseTo(-0.6262242910851494, within(1e-9));
      assertThat(r.extras()).containsOnlyKeys("layer:02Linear");
      // the model is left exactly as it was
      assertThat(w.getArray().toFloatArray()).containsExactly(before);
      // ONES for class 0 makes the randomised gradient constant: Spearman with a constant map is 0,
      // not NaN
      w.setInitializer(Initializer.ONES);
      assertThat(run(lin, TestAttributors.gradient(), images(1, 1), Map.of()).value())
          .isEqualTo(0.0);
    }
  }

  @Test
  void gradientDecorrelatesTopDownAndTheModelIsRestored() {
    try (BlockModel mlp = TestModels.mlp(manager)) {
      NDArray x = images(4, 2);
      float[] outBefore = mlp.forward(x).toFloatArray();
      List<float[]> paramsBefore = new ArrayList<>();
      for (Pair<String, Parameter> p : mlp.block().getParameters()) {
        paramsBefore.add(p.getValue().getArray().toFloatArray());
      }
      MetricResult r = run(mlp, TestAttributors.gradient(), x, Map.of());
      // top-down order: the output layer first
      assertThat(new ArrayList<>(r.extras().keySet()))
          .containsExactly("layer:06Linear", "layer:04Linear", "layer:02Linear");
      assertThat(r.perSample()).hasSize(4);
      assertThat(r.value()).isLessThan(0.9);
      assertThat(mlp.forward(x).toFloatArray()).containsExactly(outBefore);
      int i = 0;
      for (Pair<String, Parameter> p : mlp.block().getParameters()) {
        assertThat(p.getValue().getArray().toFloatArray()).containsExactly(paramsBefore.get(i++));
      }
      // independent (non-cascading) randomisation runs too and restores as well
      MetricResult ind = run(mlp, TestAttributors.gradient(), x, Map.of("cascading", false));
      assertThat(ind.extras()).hasSize(3);
      assertThat(mlp.forward(x).toFloatArray()).containsExactly(outBefore);
    }
  }

  @Test
  void aModelIndependentMapFailsTheCheck() {
    // an "edge detector" that ignores the model keeps its map under any randomisation: correlation
    // 1 (worst)
    try (BlockModel mlp = TestModels.mlp(manager)) {
      MetricResult r = run(mlp, ConsistencyMetricsTest.IDENTITY, images(3, 3), Map.of());
      assertThat(r.value()).isCloseTo(1.0, within(1e-12));
      double gradient = run(mlp, TestAttributors.gradient(), images(3, 3), Map.of()).value();
      assertThat(gradient).isLessThan(r.value());
    }
  }

  @Test
  void modelsWithoutReachableParametersAreRefused() throws Exception {
    try (TorchScriptModel cnn =
        TorchScriptModel.load(
            TestResources.path("parity/plain/model.pt"), Device.cpu(), List.of())) {
      assertThatThrownBy(
              () ->
                  run(
                      cnn,
                      TestAttributors.gradient(),
                      manager.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(1, 3, 32, 32)),
                      Map.of()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("BlockModel over a SequentialBlock")
          .hasMessageContaining("TorchScriptModel");
    }
    Metric plugin = MetricsUnderTest.get("model-randomisation");
    try (BlockModel mlp = TestModels.mlp(manager)) {
      assertThatThrownBy(
              () -> plugin.evaluate(MetricsUnderTest.classZero(mlp, images(1, 1)).build()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("attributor");
    }
  }
}
