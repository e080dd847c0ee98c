package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.Attribution;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.MetricInput;
import dev.ibex.api.Target;
import dev.ibex.api.UnknownPluginException;
import dev.ibex.api.host.Devices;
import dev.ibex.api.host.Explanation;
import dev.ibex.api.host.Ibex;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-call host API: the same results as the SPI, options as text or values, checked needs. */
class IbexHostTest {
  @TempDir static Path dir;
  static final Ibex IBEX = Ibex.discover();
  static TorchScriptModel model;
  static NDManager manager;
  static NDArray x;

  @BeforeAll
  static void load() throws Exception {
    model = IBEX.load(Fixtures.copy("/parity/plain/model.pt", dir), "cpu", "conv3");
    manager = model.manager().newSubManager();
    x = Npy.read(Fixtures.copy("/parity/plain/x.npy", dir), manager);
  }

  @AfterAll
  static void close() {
    manager.close();
    model.close();
  }

  @Test
  void explainIsTheAttributorWithItsOptionsFromTextOrValues() {
    Attribution text =
        IBEX.explain(model, x, Target.ofClass(3), "integrated-gradients", Map.of("steps", "8"));
    Attribution value =
        IBEX.explain(model, x, Target.ofClass(3), "integrated-gradients", Map.of("steps", 8));
    var ig = IBEX.plugins().attributor("integrated-gradients");
    Attribution direct =
        ig.attribute(model, x, Target.ofClass(3), ig.options().defaults().with("steps", 8));
    assertThat(text.values().toFloatArray()).containsExactly(direct.values().toFloatArray());
    assertThat(value.values().toFloatArray()).containsExactly(direct.values().toFloatArray());
    assertThatThrownBy(
            () ->
                IBEX.explain(
                    model, x, Target.ofClass(3), "integrated-gradients", Map.of("step", 8)))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("unknown option 'step'");
    assertThatThrownBy(() -> IBEX.explain(model, x, Target.ofClass(3), "nope", Map.of()))
        .isInstanceOf(UnknownPluginException.class);
  }

  @Test
  void aPipelineAttributesOnceAndScoresEveryMetric() {
    // the top-left quadrant as every image's ground-truth object
    NDArray masks = manager.zeros(new ai.djl.ndarray.types.Shape(4, 32, 32), DataType.FLOAT32);
    masks.set(new NDIndex(":, :16, :16"), 1f);
    Explanation e =
        IBEX.pipeline("grad-cam", Map.of("layer", "conv3"))
            .metric("deletion", Map.of("steps", 8))
            .metric("pointing-game", Map.of())
            .run(model, x, Target.ofClass(1), masks);
    assertThat(e.scores().keySet()).containsExactly("deletion", "pointing-game");
    assertThat(e.attribution().forwardPassesPerSample()).isEqualTo(1.0);
    var deletion = IBEX.plugins().metric("deletion");
    double alone =
        deletion
            .evaluate(
                MetricInput.of(
                    e.attribution(),
                    IBEX.plugins().attributor("grad-cam"),
                    model,
                    x,
                    Target.ofClass(1)),
                deletion.options().defaults().with("steps", 8))
            .value();
    assertThat(e.score("deletion").value()).isEqualTo(alone);
    assertThat(e.score("pointing-game").perSample()).hasSize(4);
  }

  @Test
  void aMetricWithoutWhatItNeedsIsRefusedNamingIt() {
    MetricInput mapsOnly = MetricInput.builder().attributions(x.sum(new int[] {1})).build();
    assertThatThrownBy(() -> IBEX.score("deletion", mapsOnly, Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("metric 'deletion' needs the model, the input batch, a target");
    assertThatThrownBy(
            () -> IBEX.pipeline("saliency", Map.of()).metric("deletion", Map.of("steps", "many")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("steps");
  }

  @Test
  void devicesAreCheckedAgainstWhatIsHere() {
    assertThat(Devices.parse("cpu").isGpu()).isFalse();
    assertThatThrownBy(() -> Devices.parse("tpu"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("unknown device 'tpu'; devices here: cpu");
    if (ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount() == 0) {
      assertThatThrownBy(() -> Devices.parse("gpu3"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage(
              "device 'gpu3': no such device here (no CUDA GPU visible); devices here: cpu");
    }
  }
}
