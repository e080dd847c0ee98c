package dev.ibex.attribution.ib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import dev.ibex.api.Attribution;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Target;
import dev.ibex.api.UnknownLayerException;
import dev.ibex.api.model.BlockModel;
import dev.ibex.attribution.fixtures.ParityFixture;
import org.junit.jupiter.api.Test;

/** NIB against the authors' algorithm run in PyTorch on the toy CLIP (gen_clip_reference.py). */
class NarrowingInformationBottleneckTest extends ClipTowersTest {
  final NarrowingInformationBottleneck nib = new NarrowingInformationBottleneck();

  @Override
  NarrowingInformationBottleneck method() {
    return nib;
  }

  /** The image-side map with an internal batch size. */
  private NDArray imageMap(int internalBatchSize) {
    return attributeImages(imageOptions().with("internal-batch-size", internalBatchSize)).values();
  }

  @Test
  void imageSideMatchesTheReference() {
    Attribution a = attributeImages(imageOptions().with("internal-batch-size", 7));
    NDArray expected = clip.read("nib.image.npy");
    assertThat(a.values().getShape()).isEqualTo(new Shape(3, 32, 32));
    assertThat(ParityFixture.relativeLinf(a.values(), expected)).isLessThan(1e-4);
    assertThat(a.forwardPassesPerSample()).isEqualTo(10.0);
    assertThat(a.backwardPassesPerSample()).isEqualTo(10.0);
  }

  @Test
  void textSideMatchesTheReference() {
    Attribution a = attributeTexts(textOptions());
    NDArray expected = clip.read("nib.text.npy");
    assertThat(a.values().getShape()).isEqualTo(new Shape(3, 8));
    assertThat(ParityFixture.relativeLinf(a.values(), expected)).isLessThan(1e-4);
  }

  @Test
  void deterministicAndIndependentOfBatching() {
    NDArray a = imageMap(1);
    NDArray b = imageMap(30);
    assertThat(ParityFixture.relativeLinf(a, b)).isLessThan(1e-5);
    NDArray c = imageMap(1);
    assertThat(a.contentEquals(c)).isTrue();
  }

  @Test
  void analyticQuadraticTail() {
    // Layer "embed" maps ids to h = (id, 2·id, 3·id) per token; the tail is f(h) = Σ w ⊙ h². Then
    // ∇f(a·h) = 2a·w⊙h and the right Riemann sum gives A_t = Σ_d w h² · 2 Σ_i (i/n) / n = Σ_d w
    // h² (n+1)/n.
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(new float[] {0.5f, -1f, 2f, 0.25f, 1f, -0.5f}, new Shape(2, 3));
      SequentialBlock net =
          new SequentialBlock()
              .add(
                  LambdaBlock.singleton(
                      ids ->
                          ids.toType(DataType.FLOAT32, false)
                              .expandDims(2)
                              .mul(ids.getManager().create(new float[] {1, 2, 3})),
                      "embed"))
              .add(
                  LambdaBlock.singleton(
                      h -> h.square().mul(w).sum(new int[] {1, 2}).reshape(-1, 1), "tail"));
      net.initialize(m, DataType.INT64, new Shape(1, 2));
      try (BlockModel model = BlockModel.of(net, m)) {
        NDArray ids = m.create(new long[] {3, 1, 2, 5}, new Shape(2, 2));
        String layer = model.layers().get(0);
        int n = 5;
        NDArray a =
            nib.attribute(
                    model,
                    ids,
                    Target.ofClass(0),
                    options(layer, "text")
                        .with("normalise", "none")
                        .with("steps", n)
                        .with("internal-batch-size", 3))
                .values();
        NDArray h = model.toLayer(layer, ids);
        NDArray expected = h.square().mul(w).sum(new int[] {2}).mul((n + 1) / (float) n);
        assertThat(ParityFixture.relativeLinf(a, expected)).isLessThan(1e-6);
      }
    }
  }

  @Test
  void badInputsAreTypedErrors() {
    assertThatThrownBy(() -> attributeImages(options("image_9", "image")))
        .isInstanceOf(UnknownLayerException.class)
        .hasMessageContaining("to_image_9");
    assertThatThrownBy(() -> attributeImages(options("image_2", "text")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("use modality=image");
    assertThatThrownBy(() -> attributeImages(nib.options().defaults()))
        .hasMessage("option 'layer' must be set");
  }
}
