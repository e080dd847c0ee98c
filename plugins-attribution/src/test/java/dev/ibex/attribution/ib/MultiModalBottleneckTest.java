package dev.ibex.attribution.ib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Attribution;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.options.Options;
import dev.ibex.attribution.fixtures.ParityFixture;
import org.junit.jupiter.api.Test;

/**
 * M2IB against an independent PyTorch implementation (src/test/python/gen_m2ib_reference.py) with
 * the noise scaled to 0 so that both are deterministic; the noisy path is checked for behaviour.
 */
class MultiModalBottleneckTest extends ClipTowersTest {
  final MultiModalBottleneck m2ib = new MultiModalBottleneck();

  @Override
  MultiModalBottleneck method() {
    return m2ib;
  }

  @Test
  void deterministicBottleneckMatchesPyTorchOnBothSides() {
    Attribution image = attributeImages(imageOptions().with("noise-scale", 0.0));
    assertThat(image.values().getShape()).isEqualTo(new Shape(3, 32, 32));
    assertThat(ParityFixture.relativeLinf(image.values(), clip.read("m2ib.image.npy")))
        .isLessThan(1e-4);
    // 9 updates x 10 draws (the 10th step cannot change the buffered map); a cosine target needs
    // no pass
    assertThat(image.forwardPassesPerSample()).isEqualTo(90.0);
    assertThat(image.backwardPassesPerSample()).isEqualTo(90.0);

    Attribution text = attributeTexts(textOptions().with("noise-scale", 0.0));
    assertThat(ParityFixture.relativeLinf(text.values(), clip.read("m2ib.text.npy")))
        .isLessThan(1e-4);
  }

  @Test
  void noisyRunsAreSeededAndTheMapStaysInUnitRange() {
    Options o = imageOptions().with("steps", 4).with("draws", 3);
    NDArray a = attributeImages(o.with("seed", 1)).values();
    NDArray b = attributeImages(o.with("seed", 1)).values();
    NDArray c = attributeImages(o.with("seed", 2)).values();
    assertThat(a.contentEquals(b)).isTrue();
    assertThat(a.contentEquals(c)).isFalse();
    assertThat(a.min().getFloat()).isEqualTo(0f);
    assertThat(a.max().getFloat()).isEqualTo(1f);
    NDArray fitted = attributeImages(o.with("noise", "fitted")).values();
    assertThat(fitted.isNaN().any().getBoolean()).isFalse();
  }

  @Test
  void capacityIsTheGaussianKl() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray lambda = m.create(new float[] {0.5f, 0.9f});
      NDArray h = m.create(new float[] {2f, -1f});
      float[] kl = MultiModalBottleneck.capacity(lambda, h).toFloatArray();
      // KL(N(μ, s²) ‖ N(0,1)) = (s² + μ² − 1)/2 − ln s with μ = λh, s = 1 − λ
      assertThat((double) kl[0])
          .isCloseTo(
              0.5 * (0.25 + 1 - 1) - Math.log(0.5), org.assertj.core.data.Offset.offset(1e-6));
      assertThat((double) kl[1])
          .isCloseTo(
              0.5 * (0.01 + 0.81 - 1) - Math.log(0.1), org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void optionsAreChecked() {
    assertThatThrownBy(() -> m2ib.options().defaults().with("draws", 0))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("'draws'");
    assertThatThrownBy(() -> m2ib.options().defaults().with("noise", "pink"))
        .hasMessageContaining("must be one of [standard, fitted]");
  }
}
