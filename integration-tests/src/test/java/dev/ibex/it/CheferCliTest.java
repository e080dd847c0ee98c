package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * chefer from the command line on both towers of the toy CLIP and on the seeded ViT classifier,
 * against the rule of the Chefer authors' code run in PyTorch (gen_chefer_reference.py).
 */
class CheferCliTest {
  @TempDir Path dir;

  private Path copy(String resource) throws IOException {
    return Fixtures.copy(resource, dir);
  }

  private void assertMatches(Path out, Path reference) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = Npy.read(out, m);
      NDArray ref = Npy.read(reference, m);
      assertThat(a.getShape()).isEqualTo(ref.getShape());
      assertThat(a.sub(ref).abs().max().getFloat()).isLessThanOrEqualTo(1e-4f);
    }
  }

  @Test
  void imageTowerWithACosineTarget() throws IOException {
    Path clip = copy("/parity/clip/clip.pt");
    ModelFiles files = new ModelFiles(clip, copy("/parity/clip/pixels.npy"));
    Path out = dir.resolve("image.npy");
    CliRun run =
        CliRun.of(
                files.explain(
                    "chefer",
                    out,
                    "--entry",
                    "encode_image",
                    "--cosine-to",
                    copy("/parity/clip/text_embeddings.npy").toString(),
                    "--png",
                    dir.resolve("png").toString()))
            .succeeded();
    assertMatches(out, copy("/parity/clip/chefer.image.npy"));
    assertThat(run.out()).contains("passes/image=1/1 (batch 3/3)");
    assertThat(dir.resolve("png/chefer-2.png")).exists();
  }

  @Test
  void textTowerAtTheEotToken() throws IOException {
    Path clip = copy("/parity/clip/clip.pt");
    ModelFiles files = new ModelFiles(clip, copy("/parity/clip/ids.npy"));
    Path out = dir.resolve("text.npy");
    CliRun.of(
            files.explain(
                "chefer",
                out,
                "--entry",
                "encode_text",
                "--set",
                "modality=text",
                "--cosine-to",
                copy("/parity/clip/image_embeddings.npy").toString(),
                "--png",
                dir.resolve("tokens").toString()))
        .succeeded();
    assertMatches(out, copy("/parity/clip/chefer.text.npy"));
    assertThat(Files.readString(dir.resolve("tokens/index.html"))).contains("sample 2:");
  }

  @Test
  void vitClassifierOnAFixedClassAndTheLastBlock() throws IOException {
    Path vit = copy("/parity/vit-attention/model.pt");
    ModelFiles files = new ModelFiles(vit, copy("/parity/vit-attention/x.npy"));
    Path out = dir.resolve("vit.npy");
    CliRun.of(files.explain("chefer", out, "--target", "3", "--set", "start-block=-1")).succeeded();
    assertMatches(out, copy("/parity/vit-attention/chefer.class3.last.npy"));
  }

  @Test
  void aModelWithoutAttentionIsAOneLineError() throws IOException {
    ModelFiles files = new ModelFiles(copy("/parity/plain/model.pt"), copy("/parity/plain/x.npy"));
    CliRun run = CliRun.of(files.explain("chefer", dir.resolve("a.npy")));
    assertThat(run.code()).isEqualTo(2);
    List<String> lines = run.err().lines().filter(l -> !l.startsWith("ibex: warning")).toList();
    assertThat(lines).as(run.err()).hasSize(1);
    assertThat(lines.get(0))
        .startsWith("ibex: ")
        .endsWith(
            "the model exports no method 'attention_shape_forward': it does not expose its"
                + " attention (see AttentionProbing for the contract)");
    assertThat(dir.resolve("a.npy")).doesNotExist();
  }
}
