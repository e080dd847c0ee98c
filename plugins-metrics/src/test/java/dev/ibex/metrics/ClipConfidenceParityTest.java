package dev.ibex.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Target;
import dev.ibex.api.model.TorchScriptModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The image-text form of Confidence Drop / Increase (NIB's evaluation) on the toy CLIP with NIB's
 * own image maps, against values computed independently in PyTorch
 * (src/test/python/gen_clip_confidence.py): the model is the image tower, the target the cosine to
 * the paired caption's embedding; and the text form on the text tower.
 */
class ClipConfidenceParityTest extends ManagerFixture {

  static TorchScriptModel tower(String entry, String layer, boolean tailTakesInput)
      throws Exception {
    return TorchScriptModel.builder(TestResources.path("parity/clip/clip.pt"))
        .device(Device.cpu())
        .forwardMethod(entry)
        .layers(List.of(layer))
        .tailTakesInput(tailTakesInput)
        .load();
  }

  static NDArray npy(String name) throws Exception {
    return TestResources.npy(manager, "parity/clip/" + name);
  }

  /**
   * Runs confidence drop and increase and checks them per sample against the independent values:
   * the three drops (to 1e-4), then the three increases (exactly).
   *
   * @return the drop
   */
  static MetricResult dropAndIncrease(
      TorchScriptModel tower,
      Target cos,
      NDArray x,
      NDArray maps,
      Map<String, Object> options,
      double[] expected) {
    MetricResult drop =
        FaithfulnessMetricsTest.run("confidence-drop", tower, cos, x, maps, options);
    MetricResult inc =
        FaithfulnessMetricsTest.run("confidence-increase", tower, cos, x, maps, options);
    for (int s = 0; s < 3; s++) {
      assertThat(drop.perSample()[s]).as("drop %d", s).isCloseTo(expected[s], within(1e-4));
      assertThat(inc.perSample()[s]).as("increase %d", s).isEqualTo(expected[3 + s]);
    }
    return drop;
  }

  @Test
  void imageSideMatchesTheIndependentComputation() throws Exception {
    try (TorchScriptModel tower = tower("encode_image", "image_2", false)) {
      NDArray pixels = npy("pixels.npy");
      NDArray text = npy("text_embeddings.npy");
      NDArray heat = npy("nib.image.npy");
      double[] expected = npy("confidence.npy").toDoubleArray();
      Target cos = Target.cosineSimilarity(text);
      // NIB's maps are already min-max normalised: multiply as given
      Map<String, Object> o = Map.of("normalise", "none", "internal-batch-size", 2);
      MetricResult drop = dropAndIncrease(tower, cos, pixels, heat, o, expected);
      assertThat(drop.value())
          .isCloseTo((expected[0] + expected[1] + expected[2]) / 3, within(1e-4));
    }
  }

  @Test
  void textSideMatchesTheIndependentComputation() throws Exception {
    // Token states at the split text_2 scaled by NIB's token scores, SOT and EOT unscaled; the text
    // tower's tail takes the ids too (EOT pooling). The fixture exports no embedding-layer split.
    try (TorchScriptModel tower = tower("encode_text", "text_2", true)) {
      NDArray ids = npy("ids.npy");
      NDArray scores = npy("nib.text.npy");
      double[] expected = npy("confidence_text.npy").toDoubleArray();
      Target cos = Target.cosineSimilarity(npy("image_embeddings.npy"));
      Map<String, Object> o =
          Map.of("modality", "text", "embedding-layer", "text_2", "normalise", "none");
      dropAndIncrease(tower, cos, ids, scores, o, expected);
    }
  }
}
