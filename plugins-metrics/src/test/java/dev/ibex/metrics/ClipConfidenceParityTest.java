package dev.ibex.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.common.collect.ImmutableList;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Target;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.ExplainableModel;
import dev.ibex.api.model.PassCounter;
import dev.ibex.api.model.Stage;
import dev.ibex.api.model.TorchScriptModel;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The image-text form of Confidence Drop / Increase (NIB's evaluation) on the toy CLIP with NIB's
 * own image maps, against values computed independently in PyTorch
 * (src/test/python/gen_clip_confidence.py): the model is the image tower, the target the cosine to
 * the paired caption's embedding.
 */
class ClipConfidenceParityTest {

  /** The image tower of the exported CLIP: encode_image = from_image_2 ∘ to_image_2. */
  static final class ImageTower implements ExplainableModel {
    private final TorchScriptModel clip;

    ImageTower(TorchScriptModel clip) {
      this.clip = clip;
    }

    @Override
    public NDManager manager() {
      return clip.manager();
    }

    @Override
    public NDArray forward(NDArray input) {
      return clip.fromLayer("image_2", clip.toLayer("image_2", input));
    }

    @Override
    public ImmutableList<String> layers() {
      return ImmutableList.of("image_2");
    }

    @Override
    public NDArray toLayer(String layer, NDArray input) {
      return clip.toLayer(layer, input);
    }

    @Override
    public NDArray fromLayer(String layer, NDArray activation) {
      return clip.fromLayer(layer, activation);
    }

    @Override
    public Optional<ImmutableList<Stage>> stages() {
      return Optional.empty();
    }

    @Override
    public PassCounter passes() {
      return clip.passes();
    }

    @Override
    public void close() {
      clip.close();
    }
  }

  static NDArray npy(NDManager m, String name) throws Exception {
    try (InputStream in = ClipConfidenceParityTest.class.getResourceAsStream("/parity/clip/" + name)) {
      return Npy.read(in, m, name);
    }
  }

  @Test
  void imageSideMatchesTheIndependentComputation() throws Exception {
    try (NDManager m = NDManager.newBaseManager();
        ImageTower tower = new ImageTower(TorchScriptModel.load(
            FaithfulnessMetricsTest.resource("parity/clip/clip.pt"), Device.cpu(), List.of("image_2")))) {
      NDArray pixels = npy(m, "pixels.npy");
      NDArray text = npy(m, "text_embeddings.npy");
      NDArray heat = npy(m, "nib.image.npy");
      double[] expected = npy(m, "confidence.npy").toDoubleArray();
      Target cos = Target.cosineSimilarity(text);
      // NIB's maps are already min-max normalised: multiply as given
      Map<String, Object> o = Map.of("normalise", "none", "batch-size", 2);
      MetricResult drop = FaithfulnessMetricsTest.run("confidence-drop", tower, cos, pixels, heat, o);
      MetricResult inc = FaithfulnessMetricsTest.run("confidence-increase", tower, cos, pixels, heat, o);
      for (int s = 0; s < 3; s++) {
        assertThat(drop.perSample()[s]).as("drop %d", s).isCloseTo(expected[s], within(1e-4));
        assertThat(inc.perSample()[s]).as("increase %d", s).isEqualTo(expected[3 + s]);
      }
      assertThat(drop.value()).isCloseTo((expected[0] + expected[1] + expected[2]) / 3, within(1e-4));
    }
  }
}
