package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NIB from the command line on both towers of the toy CLIP, against the authors' algorithm. */
class ImageTextCliTest {
  @TempDir Path dir;
  Path clip;

  @BeforeEach
  void fixtures() throws IOException {
    clip = Fixtures.copy("/parity/clip/clip.pt", dir);
    for (String f :
        new String[] {
          "pixels.npy",
          "ids.npy",
          "nib.image.npy",
          "nib.text.npy",
          "image_embeddings.npy",
          "text_embeddings.npy"
        }) {
      Fixtures.copy("/parity/clip/" + f, dir);
    }
  }

  private void assertMatches(Path out, String reference) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = Npy.read(out, m);
      NDArray ref = Npy.read(dir.resolve(reference), m);
      assertThat(a.getShape()).isEqualTo(ref.getShape());
      assertThat(a.sub(ref).abs().max().getFloat()).isLessThan(1e-4f);
    }
  }

  /**
   * nib on one tower of the toy CLIP, explaining the cosine similarity to the other tower's
   * embeddings.
   *
   * @param tower the options that pick the tower: entry, layer and the like
   * @param input the tower's input file
   * @param towards the other tower's embeddings file
   * @param out the attribution file
   * @param png the directory of the page
   */
  private CliRun nib(String[] tower, String input, String towards, Path out, String png) {
    ModelFiles files = new ModelFiles(clip, dir.resolve(input));
    String[] page = {
      "--cosine-to", dir.resolve(towards).toString(), "--png", dir.resolve(png).toString()
    };
    return CliRun.of(files.explain("nib", out, CliArgs.join(tower, page))).succeeded();
  }

  @Test
  void imageSide() throws IOException {
    Path out = dir.resolve("image.npy");
    String[] imageTower = {"--entry", "encode_image", "--layer", "image_2"};
    nib(imageTower, "pixels.npy", "text_embeddings.npy", out, "png");
    assertMatches(out, "nib.image.npy");
    assertThat(dir.resolve("png/nib-2.png")).exists();
  }

  @Test
  void textSide() throws IOException {
    Path out = dir.resolve("text.npy");
    String[] textTower = {
      "--entry", "encode_text", "--tail-takes-input", "--layer", "text_2", "--set", "modality=text"
    };
    nib(textTower, "ids.npy", "image_embeddings.npy", out, "tokens");
    assertMatches(out, "nib.text.npy");
    assertThat(Files.readString(dir.resolve("tokens/index.html"))).contains("sample 2:");
  }
}
