package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code explain-pairs}: both towers of the toy CLIP in one command, each side towards the other's
 * embeddings, against the same references as the one-tower commands (NIB's and Chefer's).
 */
class ExplainPairsCliTest {
  @TempDir Path dir;

  private void assertMatches(Path out, String reference) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = Npy.read(out, m);
      NDArray ref = Npy.read(Fixtures.copy("/parity/clip/" + reference, dir), m);
      assertThat(a.getShape()).isEqualTo(ref.getShape());
      assertThat(a.sub(ref).abs().max().getFloat()).isLessThanOrEqualTo(1e-4f);
    }
  }

  private String copy(String name) throws IOException {
    return Fixtures.copy("/parity/clip/" + name, dir).toString();
  }

  @Test
  void nibOnBothSidesOfThePairs() throws IOException {
    Path out = dir.resolve("pairs");
    CliRun run =
        CliRun.of(
                "explain-pairs",
                "--model",
                copy("clip.pt"),
                "--images",
                copy("pixels.npy"),
                "--ids",
                copy("ids.npy"),
                "--method",
                "nib",
                "--image-layer",
                "image_2",
                "--text-layer",
                "text_2",
                "--out",
                out.toString())
            .succeeded();
    assertMatches(out.resolve("image.npy"), "nib.image.npy");
    assertMatches(out.resolve("text.npy"), "nib.text.npy");
    assertThat(run.out()).contains("image: nib (3, 32, 32)").contains("text:  nib (3, 8)");
    assertThat(out.resolve("image/pair-2.png")).exists();
    assertThat(Files.readString(out.resolve("text/index.html"))).contains("sample 2:");
  }

  @Test
  void cheferOnBothSidesOfThePairs() throws IOException {
    Path out = dir.resolve("pairs");
    CliRun.of(
            "explain-pairs",
            "--model",
            copy("clip.pt"),
            "--images",
            copy("pixels.npy"),
            "--ids",
            copy("ids.npy"),
            "--method",
            "chefer",
            "--out",
            out.toString())
        .succeeded();
    assertMatches(out.resolve("image.npy"), "chefer.image.npy");
    assertMatches(out.resolve("text.npy"), "chefer.text.npy");
  }

  @Test
  void cheferOnPairsWithCaptionsAsText() throws IOException {
    Path out = dir.resolve("pairs");
    CliRun.of(
            "explain-pairs",
            "--model",
            copy("clip.pt"),
            "--images",
            copy("pixels.npy"),
            "--text",
            "a photo of a dog",
            "--text",
            "a cat in the snow",
            "--text",
            "red car",
            "--tokenizer",
            copy("tokenizer.json"),
            "--method",
            "chefer",
            "--out",
            out.toString())
        .succeeded();
    try (NDManager m = NDManager.newBaseManager()) {
      assertThat(Npy.read(out.resolve("image.npy"), m).getShape().toString())
          .isEqualTo("(3, 32, 32)");
      assertThat(Npy.read(out.resolve("text.npy"), m).getShape().toString()).isEqualTo("(3, 7)");
    }
    assertThat(Files.readString(out.resolve("text/index.html"))).contains(">snow<");
  }

  @Test
  void unpairedInputsAreOneLine() throws IOException {
    CliRun run =
        CliRun.of(
            "explain-pairs",
            "--model",
            copy("clip.pt"),
            "--images",
            copy("pixels.npy"),
            "--text",
            "a dog",
            "--tokenizer",
            copy("tokenizer.json"),
            "--method",
            "chefer",
            "--out",
            dir.resolve("p").toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err().lines().filter(l -> !l.startsWith("ibex: warning")).toList())
        .singleElement()
        .asString()
        .contains("3 images but 1 captions: the i-th image pairs with the i-th caption");
    assertThat(dir.resolve("p")).doesNotExist();
  }
}
