package dev.ibex.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.ModelOutputException;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's model as executors load it: a seeded torchvision FCN returning {@code {"out", "aux"}}
 * (parity/segmentation/fcn-float32) is explained on the output {@code --model-output} names, and
 * fails with the list of its outputs without one.
 */
class ModelSpecTest {
  @TempDir Path dir;

  private Path copy(String name) throws IOException {
    Path p = dir.resolve(name);
    try (InputStream in =
        getClass().getResourceAsStream("/parity/segmentation/fcn-float32/" + name)) {
      Files.copy(in, p);
    }
    return p;
  }

  @Test
  void theOutputIsChosenByNameAsOnTheCli() throws IOException {
    Path model = copy("model.pt");
    Path x = copy("x.npy");
    for (String output : List.of("out", "aux")) {
      ModelSpec spec = new ModelSpec(model.toString(), null, false, List.of(), "cpu", output);
      try (TorchScriptModel m = spec.load();
          NDManager nd = m.manager().newSubManager()) {
        NDArray y = m.forward(Npy.read(x, nd));
        assertThat(y.getShape().dimension()).as(output).isEqualTo(4);
      }
    }
  }

  @Test
  void withoutAChoiceTheErrorListsTheOutputs() throws IOException {
    Path model = copy("model.pt");
    Path x = copy("x.npy");
    ModelSpec spec = new ModelSpec(model.toString(), null, false, List.of(), "cpu", null);
    try (TorchScriptModel m = spec.load();
        NDManager nd = m.manager().newSubManager()) {
      NDArray input = Npy.read(x, nd);
      assertThatThrownBy(() -> m.forward(input))
          .isInstanceOf(ModelOutputException.class)
          .hasMessageContaining("named aux, out");
    }
  }
}
