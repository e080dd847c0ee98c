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

  @Test
  void imageSide() throws IOException {
    Path out = dir.resolve("image.npy");
    CliRun run =
        CliRun.of(
            "explain",
            "--model",
            clip.toString(),
            "--entry",
            "encode_image",
            "--layer",
            "image_2",
            "--input",
            dir.resolve("pixels.npy").toString(),
            "--cosine-to",
            dir.resolve("text_embeddings.npy").toString(),
            "--method",
            "nib",
            "--out",
            out.toString(),
            "--png",
            dir.resolve("png").toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertMatches(out, "nib.image.npy");
    assertThat(dir.resolve("png/nib-2.png")).exists();
  }

  @Test
  void textSide() throws IOException {
    Path out = dir.resolve("text.npy");
    CliRun run =
        CliRun.of(
            "explain",
            "--model",
            clip.toString(),
            "--entry",
            "encode_text",
            "--tail-takes-input",
            "--layer",
            "text_2",
            "--input",
            dir.resolve("ids.npy").toString(),
            "--cosine-to",
            dir.resolve("image_embeddings.npy").toString(),
            "--method",
            "nib",
            "--set",
            "modality=text",
            "--out",
            out.toString(),
            "--png",
            dir.resolve("tokens").toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertMatches(out, "nib.text.npy");
    assertThat(Files.readString(dir.resolve("tokens/index.html"))).contains("sample 2:");
  }
}
