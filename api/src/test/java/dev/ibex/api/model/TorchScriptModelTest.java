package dev.ibex.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.IbexException;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.UnknownLayerException;
import dev.ibex.api.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TorchScriptModelTest {
  @TempDir Path dir;

  private Path resource(String name) throws IOException {
    Path p = dir.resolve(name.replace('/', '_'));
    try (InputStream in = getClass().getResourceAsStream("/parity/" + name)) {
      Files.copy(in, p);
    }
    return p;
  }

  private static double relLinf(NDArray a, NDArray b) {
    return a.sub(b).abs().max().getFloat() / b.abs().max().getFloat();
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "residual-s2"})
  void reproducesPythonLogitsAndSplitsAtConv3(String fixture) throws IOException {
    try (TorchScriptModel model =
            TorchScriptModel.load(resource(fixture + "/model.pt"), Device.cpu(), List.of("conv3"));
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(resource(fixture + "/x.npy"), m);
      NDArray expected = Npy.read(resource(fixture + "/logits.npy"), m);
      NDArray logits = model.forward(x);
      assertThat(relLinf(logits, expected)).isLessThan(1e-5);

      NDArray z = model.toLayer("conv3", x);
      assertThat(z.getShape()).isEqualTo(new Shape(4, fixture.equals("plain") ? 16 : 32, 16, 16));
      assertThat(relLinf(model.fromLayer("conv3", z), expected)).isLessThan(1e-5);
      assertThat(model.layers()).containsExactly("conv3");
      assertThat(model.passes().forward()).isEqualTo(8);
    }
  }

  @Test
  void batchNormUsesRunningStatisticsWhatever() throws IOException {
    // A batch of one and the same sample inside a batch of four must give the same logits: no
    // batch statistics.
    try (TorchScriptModel model =
            TorchScriptModel.load(resource("residual-s2/model.pt"), Device.cpu(), List.of());
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(resource("residual-s2/x.npy"), m);
      NDArray alone = model.forward(x.get("0:1"));
      NDArray inBatch = model.forward(x).get("0:1");
      assertThat(relLinf(alone, inBatch)).isLessThan(1e-5);
    }
  }

  @Test
  void unknownLayerAndBadInputAreTypedErrors() throws IOException {
    try (TorchScriptModel model =
            TorchScriptModel.load(resource("plain/model.pt"), Device.cpu(), List.of("conv3"));
        NDManager m = model.manager().newSubManager()) {
      NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
      assertThatThrownBy(() -> model.toLayer("conv9", x))
          .isInstanceOf(UnknownLayerException.class)
          .hasMessage(
              "unknown layer 'conv9': the model exports no method 'to_conv9'; known layers: conv3");
      assertThatThrownBy(() -> model.forward(m.randomNormal(new Shape(2, 5, 32, 32))))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("rejected an input of shape (2, 5, 32, 32)");
      // the engine's reason, not its "operation failed in the TorchScript interpreter" preamble
      assertThatThrownBy(() -> model.forward(m.randomNormal(new Shape(2, 1, 32, 32))))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("the model rejected an input of shape (2, 1, 32, 32): ")
          .hasMessageContaining("to have 3 channels, but got 1 channels")
          .hasMessageNotContaining("\n")
          .hasMessageNotContaining("TorchScript interpreter");
    }
  }

  @Test
  void missingOrCorruptFileFailsClearly() throws IOException {
    assertThatThrownBy(() -> TorchScriptModel.load(dir.resolve("nope.pt"), Device.cpu(), List.of()))
        .isInstanceOf(IbexException.class)
        .hasMessageContaining("model file not found");
    Path junk = dir.resolve("junk.pt");
    Files.writeString(junk, "this is not a zip archive");
    assertThatThrownBy(() -> TorchScriptModel.load(junk, Device.cpu(), List.of()))
        .isInstanceOf(IbexException.class)
        .hasMessageContaining("cannot load TorchScript model");
  }
}
