package dev.ibex.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Target;
import dev.ibex.api.io.Npy;
import dev.ibex.api.spi.Gradients;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Split points crossed by more than the activation, on a file written by ibex-export (parity/
 * crossing, gen_crossing_fixture.py): a toy token model of two pre-norm residual blocks, split at
 * {@code blocks.1.norm} (the residual stream crosses with the norm's output) and at {@code
 * blocks.0} (nothing else crosses). Methods see one activation; the adapter carries the rest.
 */
class TorchScriptModelCrossingTest {
  @TempDir Path dir;
  private Path file;

  @BeforeEach
  void copy() throws IOException {
    file = resource("toy.pt");
  }

  private Path resource(String name) throws IOException {
    Path p = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/parity/crossing/" + name)) {
      Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
    }
    return p;
  }

  private static double maxAbs(NDArray a, NDArray b) {
    return a.sub(b).abs().max().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
  }

  @Test
  void theExportersSplitPointsAreTheModelsLayers() {
    try (TorchScriptModel model = TorchScriptModel.builder(file).device(Device.cpu()).load()) {
      assertThat(model.layers()).containsExactly("blocks.1.norm", "blocks.0");
      ExportMetadata m = model.metadata().orElseThrow();
      assertThat(m.layer("blocks.1.norm").orElseThrow().extraTensors()).isEqualTo(1);
      assertThat(m.layer("blocks.1.norm").orElseThrow().method()).isEqualTo("blocks_1_norm");
      assertThat(m.layer("blocks.0").orElseThrow().extraTensors()).isZero();
      assertThat(m.input().shape()).containsExactly(2L, 5L, 4L);
    }
  }

  @Test
  void fromLayerOfToLayerIsForwardAtBothSplitPoints() throws IOException {
    try (TorchScriptModel model = TorchScriptModel.builder(file).device(Device.cpu()).load();
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(resource("x.npy"), m);
      NDArray logits = Npy.read(resource("logits.npy"), m);
      assertThat(maxAbs(model.forward(x), logits)).isLessThan(1e-12);
      for (String layer : model.layers()) {
        NDArray a = model.toLayer(layer, x);
        assertThat(a.getShape().getShape()).containsExactly(3, 5, 8);
        assertThat(maxAbs(model.fromLayer(layer, a, x), logits)).as(layer).isLessThan(1e-12);
        // the two-argument form reuses this thread's last toLayer
        assertThat(maxAbs(model.fromLayer(layer, a), logits)).as(layer).isLessThan(1e-12);
      }
    }
  }

  @Test
  void theCrossingTensorsFollowTheInputRows() throws IOException {
    try (TorchScriptModel model = TorchScriptModel.builder(file).device(Device.cpu()).load();
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(resource("x.npy"), m);
      NDArray logits = Npy.read(resource("logits.npy"), m);
      NDArray a = model.toLayer("blocks.1.norm", x);
      // rows 2, 0, 0: a batched method repeats rows and passes the input rows they derive from
      NDArray rows = m.create(new long[] {2, 0, 0});
      NDArray out = model.fromLayer("blocks.1.norm", a.get(rows), x.get(rows));
      assertThat(maxAbs(out, logits.get(rows))).isLessThan(1e-12);
      assertThatThrownBy(() -> model.fromLayer("blocks.1.norm", a.get(rows), x.get("0:2")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("the activation has 3 rows");
    }
  }

  @Test
  void withoutTheInputOrAToLayerOnTheThreadTheErrorSaysWhatIsMissing() throws Exception {
    try (TorchScriptModel model = TorchScriptModel.builder(file).device(Device.cpu()).load()) {
      Throwable thrown =
          CompletableFuture.supplyAsync(
                  () -> {
                    try (NDManager m = model.manager().newSubManager()) {
                      NDArray a = m.zeros(new ai.djl.ndarray.types.Shape(1, 5, 8));
                      a = a.toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
                      model.fromLayer("blocks.1.norm", a);
                      return null;
                    } catch (RuntimeException e) {
                      return e;
                    }
                  })
              .get();
      assertThat(thrown)
          .isInstanceOf(InvalidInputException.class)
          .hasMessage(
              "split point blocks.1.norm is crossed by 1 more tensor(s) besides the activation:"
                  + " call fromLayer(layer, activation, input) so that they can be taken from the"
                  + " input");
    }
  }

  @Test
  void theGradientAtTheSplitIsTheHookGradientOfPyTorch() throws IOException {
    try (TorchScriptModel model = TorchScriptModel.builder(file).device(Device.cpu()).load();
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(resource("x.npy"), m);
      NDArray expected = Npy.read(resource("norm_grad.npy"), m);
      NDArray a = model.toLayer("blocks.1.norm", x).stopGradient();
      NDArray grad =
          Gradients.ofLayer(
                  model,
                  "blocks.1.norm",
                  a,
                  x,
                  null,
                  out -> Target.ofClass(0).resolve(out),
                  new int[] {0, 1, 2})
              .gradient();
      assertThat(maxAbs(grad, expected)).isLessThan(1e-12);
    }
  }

  @Test
  void aHandWrittenFileHasNoMetadataAndItsLayersAreDeclared() throws IOException {
    Path plain = dir.resolve("plain.pt");
    try (InputStream in = getClass().getResourceAsStream("/parity/outputs/tuple.pt")) {
      Files.copy(in, plain);
    }
    assertThat(ExportMetadata.read(plain)).isEmpty();
    try (TorchScriptModel model =
        TorchScriptModel.builder(plain).device(Device.cpu()).layers(List.of("body")).load()) {
      assertThat(model.layers()).containsExactly("body");
    }
  }
}
