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
 * Gradient methods on token ids from the command line: a text classifier whose methods take an
 * attention mask ({@code --pad-id}), attributed at its embedding split point, against Captum's
 * LayerIntegratedGradients and the SmoothGrad reference (parity/text, gen_text_reference.py).
 */
class TokenEmbeddingCliTest {
  @TempDir Path dir;

  private void assertMatches(Path out, Path reference) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = Npy.read(out, m);
      NDArray ref = Npy.read(reference, m);
      assertThat(a.getShape()).isEqualTo(ref.getShape());
      assertThat(a.sub(ref).abs().max().getDouble()).isLessThanOrEqualTo(1e-4);
    }
  }

  private ModelFiles files() throws IOException {
    return new ModelFiles(
        Fixtures.copy("/parity/text/model.pt", dir), Fixtures.copy("/parity/text/ids.npy", dir));
  }

  @Test
  void integratedGradientsAtTheEmbeddingsWithAnAttentionMask() throws IOException {
    Path out = dir.resolve("ig.npy");
    CliRun run =
        CliRun.of(
                files()
                    .explain(
                        "integrated-gradients",
                        out,
                        "--pad-id",
                        "0",
                        "--set",
                        "embedding=embed",
                        "--set",
                        "keep-tokens=1,2",
                        "--target",
                        "1",
                        "--png",
                        dir.resolve("tokens").toString()))
            .succeeded();
    assertMatches(out, Fixtures.copy("/parity/text/lig.gausslegendre.npy", dir));
    assertThat(run.out()).contains("completeness-gap");
    assertThat(Files.readString(dir.resolve("tokens/index.html"))).contains("sample 3:");
  }

  @Test
  void smoothGradPutsItsNoiseAtTheEmbeddings() throws IOException {
    Path out = dir.resolve("sg.npy");
    CliRun.of(
            files()
                .explain(
                    "smoothgrad",
                    out,
                    "--pad-id",
                    "0",
                    "--set",
                    "base-options=embedding=embed",
                    "--set",
                    "samples=8",
                    "--set",
                    "seed=3"))
        .succeeded();
    assertMatches(out, Fixtures.copy("/parity/text/smoothgrad.npy", dir));
  }

  @Test
  void withoutTheMaskTheModelRefusesInOneLine() throws IOException {
    CliRun run =
        CliRun.of(files().explain("saliency", dir.resolve("a.npy"), "--set", "embedding=embed"));
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err().lines().filter(l -> !l.startsWith("ibex: warning")).count()).isEqualTo(1);
    assertThat(dir.resolve("a.npy")).doesNotExist();
  }
}
