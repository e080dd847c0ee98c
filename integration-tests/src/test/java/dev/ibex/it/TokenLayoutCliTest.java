package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CAMs on transformer token layers from the command line ({@code --set token-layout=...}), against
 * pytorch-grad-cam with its reshape_transform (plugins-attribution's gen_token_cam_reference.py):
 * Grad-CAM on a float32 torchvision ViT's residual stream, Grad-CAM++ and Score-CAM on the toy
 * CLIP's image tower explaining the cosine similarity to the captions.
 */
class TokenLayoutCliTest {
  @TempDir Path dir;

  private void assertMatches(Path out, String reference, float tolerance) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = Npy.read(out, m).toType(DataType.FLOAT64, false);
      NDArray ref = Npy.read(Fixtures.copy(reference, dir), m).toType(DataType.FLOAT64, false);
      assertThat(a.getShape()).isEqualTo(ref.getShape());
      assertThat(a.sub(ref).abs().max().getDouble()).as(reference).isLessThan(tolerance);
    }
  }

  private ModelFiles vit() throws IOException {
    return new ModelFiles(
        Fixtures.copy("/parity/tokens/vit-float32/model.pt", dir),
        Fixtures.copy("/parity/tokens/vit-float32/x.npy", dir));
  }

  @Test
  void gradCamOnTheTokensOfAVit() throws IOException {
    Path y = Fixtures.copy("/parity/tokens/vit-float32/y.npy", dir);
    Path out = dir.resolve("vit.npy");
    CliRun run =
        CliRun.of(
                vit()
                    .explain(
                        "grad-cam",
                        out,
                        "--layer",
                        "encoder_layer_0",
                        "--set",
                        "token-layout=tokens",
                        "--set",
                        "normalise=minmax",
                        "--targets",
                        y.toString()))
            .succeeded();
    assertThat(run.out()).contains("grad-cam (4, 32, 32)");
    assertMatches(out, "/parity/tokens/vit-float32/grad-cam.npy", 1e-4f);
  }

  @Test
  void gradCamPlusPlusAndScoreCamOnTheClipImageTowerWithACosineTarget() throws IOException {
    ModelFiles tower =
        new ModelFiles(
            Fixtures.copy("/parity/clip/clip.pt", dir),
            Fixtures.copy("/parity/clip/pixels.npy", dir));
    Path captions = Fixtures.copy("/parity/clip/text_embeddings.npy", dir);
    for (String method : new String[] {"grad-cam-plus-plus", "score-cam"}) {
      Path out = dir.resolve(method + ".npy");
      CliRun.of(
              tower.explain(
                  method,
                  out,
                  "--entry",
                  "encode_image",
                  "--layer",
                  "image_2",
                  "--cosine-to",
                  captions.toString(),
                  "--set",
                  "token-layout=tokens",
                  "--set",
                  "normalise=minmax"))
          .succeeded();
      assertMatches(out, "/parity/tokens/clip/" + method + ".npy", 1e-4f);
    }
  }

  @Test
  void aTokenLayerWithoutItsLayoutIsAOneLineError() throws IOException {
    Path out = dir.resolve("refused.npy");
    CliRun run = CliRun.of(vit().explain("grad-cam", out, "--layer", "encoder_layer_0"));
    assertThat(run.code()).as(run.err()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("ibex: ")
        .contains("gives activations of shape (4, 65, 32); token-layout=nchw needs (N, C, h, w)")
        .doesNotContain("\tat ");
    assertThat(out).doesNotExist();
  }
}
