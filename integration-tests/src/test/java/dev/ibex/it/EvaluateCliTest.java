package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics from the command line: a mask metric from files, and a model metric that re-runs an
 * attributor.
 */
class EvaluateCliTest {
  @TempDir Path dir;

  @Test
  void pointingGameFromFilesSkipsAnEmptyMask() throws IOException {
    Path maps = dir.resolve("maps.npy");
    Path masks = dir.resolve("masks.npy");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.zeros(new Shape(3, 4, 4));
      a.set(new ai.djl.ndarray.index.NDIndex("0, 1, 1"), 1f); // inside sample 0's mask
      a.set(new ai.djl.ndarray.index.NDIndex("1, 3, 3"), 1f); // outside sample 1's mask
      NDArray k = m.zeros(new Shape(3, 4, 4));
      k.set(new ai.djl.ndarray.index.NDIndex("0:2, 0:2, 0:2"), 1f); // sample 2: empty mask
      Npy.write(a, maps);
      Npy.write(k, masks);
    }
    Path json = dir.resolve("r.json");
    CliRun run =
        CliRun.of(
                CliArgs.evaluate(
                    "pointing-game", maps, "--masks", masks.toString(), "--json", json.toString()))
            .succeeded();
    assertThat(run.out())
        .startsWith("pointing-game = 0.500000 (higher is better; 2 scored, 1 skipped)");
    assertThat(Files.readString(json)).contains("\"skipped\": 1");
  }

  @Test
  void fpsRerunsTheNamedAttributor() throws IOException {
    String[] fps = {
      "--metric", "fps", "--method", "saliency", "--method-set", "abs=false", "--set", "repeats=1"
    };
    CliRun run = CliRun.of(ModelFiles.plain(dir).command("evaluate", fps)).succeeded();
    assertThat(run.out())
        .startsWith("fps = ")
        .contains("higher is better")
        .contains("one value for the whole batch: ")
        .contains("samples=4")
        .doesNotContain("scored");
  }

  @Test
  void missingPartsAreNamed() {
    CliRun run = CliRun.of("evaluate", "--metric", "deletion");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("deletion").contains("needs");
  }
}
