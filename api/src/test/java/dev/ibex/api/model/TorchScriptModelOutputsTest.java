package dev.ibex.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.ModelOutputException;
import dev.ibex.api.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models whose forward returns several outputs (parity/outputs, gen_segmentation_reference.py): the
 * same seeded net returning the tuple (logits, features) and the dict {"logits", "features"}, split
 * at body. One output is chosen by index (tuple) or name (dict); without a choice, or with one that
 * is not there, the error lists what the model returns.
 */
class TorchScriptModelOutputsTest {
  @TempDir Path dir;

  private Path resource(String name) throws IOException {
    Path p = dir.resolve(name.replace('/', '_'));
    try (InputStream in = getClass().getResourceAsStream("/parity/" + name)) {
      Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
    }
    return p;
  }

  private TorchScriptModel load(String file, UnaryOperator<TorchScriptModel.Builder> choice)
      throws IOException {
    return choice
        .apply(
            TorchScriptModel.builder(resource("outputs/" + file))
                .device(Device.cpu())
                .layers(List.of("body")))
        .load();
  }

  private static float maxAbs(NDArray a, NDArray b) {
    return a.sub(b).abs().max().getFloat();
  }

  @Test
  void aTuplesOutputIsChosenByIndexInForwardAndTail() throws IOException {
    for (int index = 0; index < 2; index++) {
      final int at = index;
      try (TorchScriptModel model = load("tuple.pt", b -> b.output(at));
          NDManager m = model.manager().newSubManager()) {
        NDArray x = Npy.read(resource("outputs/x.npy"), m);
        NDArray expected =
            Npy.read(resource(at == 0 ? "outputs/logits.npy" : "outputs/features.npy"), m);
        assertThat(maxAbs(model.forward(x), expected)).isLessThan(1e-6f);
        assertThat(maxAbs(model.fromLayer("body", model.toLayer("body", x)), expected))
            .isLessThan(1e-6f);
        assertThat(model.passes().forward()).isEqualTo(4);
      }
    }
  }

  @Test
  void aDictsOutputIsChosenByName() throws IOException {
    for (String name : new String[] {"logits", "features"}) {
      try (TorchScriptModel model = load("dict.pt", b -> b.output(name));
          NDManager m = model.manager().newSubManager()) {
        NDArray x = Npy.read(resource("outputs/x.npy"), m);
        NDArray expected = Npy.read(resource("outputs/" + name + ".npy"), m);
        assertThat(maxAbs(model.forward(x), expected)).isLessThan(1e-6f);
        assertThat(maxAbs(model.fromLayer("body", model.toLayer("body", x)), expected))
            .isLessThan(1e-6f);
      }
    }
  }

  @Test
  void severalOutputsWithoutAChoiceListThem() throws IOException {
    try (TorchScriptModel model = load("tuple.pt", b -> b);
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(resource("outputs/x.npy"), m);
      assertThatThrownBy(() -> model.forward(x))
          .isInstanceOf(ModelOutputException.class)
          .hasMessage(
              "forward returns 2 unnamed outputs (indices 0..1): choose one by index when"
                  + " loading the model");
      assertThatThrownBy(() -> model.fromLayer("body", model.toLayer("body", x)))
          .isInstanceOf(ModelOutputException.class)
          .hasMessageStartingWith("from_body returns 2 unnamed outputs");
      assertThat(model.passes().forward()).isZero();
    }
    try (TorchScriptModel model = load("dict.pt", b -> b);
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(resource("outputs/x.npy"), m);
      assertThatThrownBy(() -> model.forward(x))
          .isInstanceOf(ModelOutputException.class)
          .hasMessage(
              "forward returns 2 outputs, named features, logits: choose one by name when"
                  + " loading the model");
    }
  }

  @Test
  void aChoiceThatIsNotThereIsATypedError() throws IOException {
    try (TorchScriptModel model = load("dict.pt", b -> b.output("out"));
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(resource("outputs/x.npy"), m);
      assertThatThrownBy(() -> model.forward(x))
          .isInstanceOf(ModelOutputException.class)
          .hasMessage("no output named 'out': forward returns 2 outputs, named features, logits");
    }
    // a dict's entries come back in no fixed order: an index would pick one at random
    try (TorchScriptModel model = load("dict.pt", b -> b.output(0));
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(resource("outputs/x.npy"), m);
      assertThatThrownBy(() -> model.forward(x))
          .isInstanceOf(ModelOutputException.class)
          .hasMessage(
              "output index 0 is ambiguous: forward returns 2 outputs, named features, logits,"
                  + " which have no fixed order; choose one by name");
    }
    try (TorchScriptModel model = load("tuple.pt", b -> b.output("logits"));
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(resource("outputs/x.npy"), m);
      assertThatThrownBy(() -> model.forward(x))
          .isInstanceOf(ModelOutputException.class)
          .hasMessage(
              "no output named 'logits': forward returns 2 unnamed outputs (indices 0..1);"
                  + " choose one by index");
    }
    try (TorchScriptModel model = load("tuple.pt", b -> b.output(2));
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(resource("outputs/x.npy"), m);
      assertThatThrownBy(() -> model.forward(x))
          .isInstanceOf(ModelOutputException.class)
          .hasMessage("no output at index 2: forward returns 2 unnamed outputs (indices 0..1)");
      assertThat(model.passes().forward()).isZero();
    }
  }

  @Test
  void aSingleOutputModelTakesIndexZeroAndRefusesAName() throws IOException {
    try (TorchScriptModel model =
            TorchScriptModel.builder(resource("plain/model.pt"))
                .device(Device.cpu())
                .output(0)
                .load();
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(resource("plain/x.npy"), m);
      NDArray expected = Npy.read(resource("plain/logits.npy"), m);
      assertThat(maxAbs(model.forward(x), expected)).isLessThan(1e-4f);
    }
    try (TorchScriptModel model =
            TorchScriptModel.builder(resource("plain/model.pt"))
                .device(Device.cpu())
                .output("out")
                .load();
        NDManager m = model.manager().newSubManager()) {
      NDArray x = Npy.read(resource("plain/x.npy"), m);
      assertThatThrownBy(() -> model.forward(x))
          .isInstanceOf(ModelOutputException.class)
          .hasMessage("no output named 'out': forward returns one unnamed output");
    }
  }

  @Test
  void aChoiceIsANameOrANonNegativeIndex() {
    TorchScriptModel.Builder b = TorchScriptModel.builder(dir.resolve("any.pt"));
    assertThatThrownBy(() -> b.output(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("output index -1 is negative");
    assertThatThrownBy(() -> b.output(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an output name is not empty");
  }
}
