package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segmentation targets from the command line ({@code --target K --target-mask M.npy}) on a model
 * whose forward returns a dict ({@code --model-output out}): Grad-CAM on the float32 torchvision
 * FCN of plugins-attribution's gen_segmentation_reference.py against pytorch-grad-cam with its
 * SemanticSegmentationTarget; and the one-line errors of a missing output choice, a mask of the
 * wrong size and a mask without its class.
 */
class SegmentationCliTest {
  private static final String DIR = "/parity/segmentation/fcn-float32/";

  @TempDir Path dir;

  private ModelFiles fcn() throws IOException {
    return new ModelFiles(Fixtures.copy(DIR + "model.pt", dir), Fixtures.copy(DIR + "x.npy", dir));
  }

  /** Exit 2, one line on stderr that starts with "ibex: " and holds {@code message}, no result. */
  private static void assertOneLine(CliRun run, String message, Path out) {
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(2);
    List<String> lines = run.err().lines().toList();
    assertThat(lines).as(run.err()).hasSize(1);
    assertThat(lines.get(0)).startsWith("ibex: ").contains(message);
    assertThat(out).doesNotExist();
  }

  @Test
  void gradCamOfAClassOverAMaskMatchesPytorchGradCam() throws IOException {
    Path mask = Fixtures.copy(DIR + "mask.npy", dir);
    Path out = dir.resolve("grad-cam.npy");
    CliRun run =
        CliRun.of(
                fcn()
                    .explain(
                        "grad-cam",
                        out,
                        "--layer",
                        "layer2",
                        "--model-output",
                        "out",
                        "--target",
                        "2",
                        "--target-mask",
                        mask.toString(),
                        "--set",
                        "normalise=minmax"))
            .succeeded();
    assertThat(run.out()).contains("grad-cam (2, 64, 64)").contains("class 2 summed over a mask");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = Npy.read(out, m).toType(DataType.FLOAT64, false);
      NDArray ref =
          Npy.read(Fixtures.copy(DIR + "grad-cam-mask.npy", dir), m)
              .toType(DataType.FLOAT64, false);
      assertThat(a.getShape()).isEqualTo(ref.getShape());
      assertThat(a.sub(ref).abs().max().getDouble()).isLessThan(1e-4);
    }
  }

  @Test
  void aModelWithSeveralOutputsAndNoChoiceNamesThem() throws IOException {
    Path mask = Fixtures.copy(DIR + "mask.npy", dir);
    Path out = dir.resolve("refused.npy");
    assertOneLine(
        CliRun.of(
            fcn().explain("saliency", out, "--target", "2", "--target-mask", mask.toString())),
        "forward returns 2 outputs, named aux, out: choose one by name when loading the model"
            + " (--model-output NAME|I)",
        out);
    assertOneLine(
        CliRun.of(fcn().explain("saliency", out, "--model-output", "logits")),
        "no output named 'logits': forward returns 2 outputs, named aux, out",
        out);
  }

  @Test
  void aMaskOfAnotherSizeNamesBothShapes() throws IOException {
    Path mask = Fixtures.npy(dir.resolve("small.npy"), m -> m.ones(new Shape(32, 32)));
    Path out = dir.resolve("refused.npy");
    assertOneLine(
        CliRun.of(
            fcn()
                .explain(
                    "grad-cam",
                    out,
                    "--layer",
                    "layer2",
                    "--model-output",
                    "out",
                    "--target",
                    "2",
                    "--target-mask",
                    mask.toString())),
        "the target mask (32, 32) does not match the model output (2, 4, 64, 64): the mask must"
            + " be (64, 64)",
        out);
  }

  @Test
  void aMaskNeedsItsClassAndNoOtherTarget() throws IOException {
    Path mask = Fixtures.copy(DIR + "mask.npy", dir);
    Path out = dir.resolve("refused.npy");
    CliRun alone = CliRun.of(fcn().explain("saliency", out, "--target-mask", mask.toString()));
    assertOneLine(alone, "missing --target", out);
    Path labels = Fixtures.npy(dir.resolve("y.npy"), m -> m.create(new int[] {2, 2}));
    CliRun twice =
        CliRun.of(
            fcn()
                .explain(
                    "saliency",
                    out,
                    "--target",
                    "2",
                    "--target-mask",
                    mask.toString(),
                    "--targets",
                    labels.toString()));
    assertOneLine(twice, "--targets, --target are mutually exclusive (specify only one)", out);
    assertOneLine(
        CliRun.of(
            fcn()
                .explain(
                    "saliency",
                    out,
                    "--model-output",
                    "out",
                    "--target",
                    "2",
                    "--target-mask",
                    dir.resolve("absent.npy").toString())),
        "--target-mask file not found: " + dir.resolve("absent.npy"),
        out);
  }
}
