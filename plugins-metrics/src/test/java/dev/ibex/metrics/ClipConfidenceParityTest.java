package dev.ibex.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.MetricResult;
import dev.ibex.api.Target;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The image-text form of Confidence Drop / Increase (NIB's evaluation) on the toy CLIP with NIB's
 * own image maps, against values computed independently in PyTorch
 * (src/test/python/gen_clip_confidence.py): the model is the image tower, the target the cosine to
 * the paired caption's embedding; and the text form on the text tower.
 */
class ClipConfidenceParityTest {

  static TorchScriptModel tower(String entry, String layer, boolean tailTakesInput)
      throws Exception {
    return TorchScriptModel.builder(FaithfulnessMetricsTest.resource("parity/clip/clip.pt"))
        .device(Device.cpu())
        .forwardMethod(entry)
        .layers(List.of(layer))
        .tailTakesInput(tailTakesInput)
        .load();
  }

  static NDArray npy(NDManager m, String name) throws Exception {
    try (InputStream in =
        ClipConfidenceParityTest.class.getResourceAsStream("/parity/clip/" + name)) {
      return Npy.read(in, m, name);
    }
  }

  @Test
  void imageSideMatchesTheIndependentComputation() throws Exception {
    try (NDManager m = NDManager.newBaseManager();
        TorchScriptModel tower = tower("encode_image", "image_2", false)) {
      NDArray pixels = npy(m, "pixels.npy");
      NDArray text = npy(m, "text_embeddings.npy");
      NDArray heat = npy(m, "nib.image.npy");
      double[] expected = npy(m, "confidence.npy").toDoubleArray();
      Target cos = Target.cosineSimilarity(text);
      // NIB's maps are already min-max normalised: multiply as given
      Map<String, Object> o = Map.of("normalise", "none", "internal-batch-size", 2);
      MetricResult drop =
          FaithfulnessMetricsTest.run("confidence-drop", tower, cos, pixels, heat, o);
      MetricResult inc =
          FaithfulnessMetricsTest.run("confidence-increase", tower, cos, pixels, heat, o);
      for (int s = 0; s < 3; s++) {
        assertThat(drop.perSample()[s]).as("drop %d", s).isCloseTo(expected[s], within(1e-4));
        assertThat(inc.perSample()[s]).as("increase %d", s).isEqualTo(expected[3 + s]);
      }
      assertThat(drop.value())
          .isCloseTo((expected[0] + expected[1] + expected[2]) / 3, within(1e-4));
    }
  }

  @Test
  void textSideMatchesTheIndependentComputation() throws Exception {
    // Token states at the split text_2 scaled by NIB's token scores, SOT and EOT unscaled; the text
    // tower's tail takes the ids too (EOT pooling). The fixture exports no embedding-layer split.
    try (NDManager m = NDManager.newBaseManager();
        TorchScriptModel tower = tower("encode_text", "text_2", true)) {
      NDArray ids = npy(m, "ids.npy");
      NDArray scores = npy(m, "nib.text.npy");
      double[] expected = npy(m, "confidence_text.npy").toDoubleArray();
      Target cos = Target.cosineSimilarity(npy(m, "image_embeddings.npy"));
      Map<String, Object> o =
          Map.of("modality", "text", "embedding-layer", "text_2", "normalise", "none");
      MetricResult drop =
          FaithfulnessMetricsTest.run("confidence-drop", tower, cos, ids, scores, o);
      MetricResult inc =
          FaithfulnessMetricsTest.run("confidence-increase", tower, cos, ids, scores, o);
      for (int s = 0; s < 3; s++) {
        assertThat(drop.perSample()[s]).as("drop %d", s).isCloseTo(expected[s], within(1e-4));
        assertThat(inc.perSample()[s]).as("increase %d", s).isEqualTo(expected[3 + s]);
      }
    }
  }
}
