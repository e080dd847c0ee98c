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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Insertion/deletion against the RISE authors' code and confidence drop/increase against
 * pytorch-grad-cam, both run on the parity CNN (fixtures from src/test/python/gen_faithfulness.py).
 */
class ReferenceParityTest extends ManagerFixture {
  static TorchScriptModel cnn;
  static NDArray x;
  static int[] y;
  static double[][] expected;

  static NDArray npy(String path) throws Exception {
    return TestResources.npy(manager, "parity/" + path);
  }

  @BeforeAll
  static void open() throws Exception {
    cnn =
        TorchScriptModel.load(TestResources.path("parity/plain/model.pt"), Device.cpu(), List.of());
    x = npy("plain/x.npy");
    long[] labels =
        npy("plain/y.npy").toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
    y = new int[labels.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = (int) labels[i];
    }
    double[] e = npy("faithfulness/expected.npy").toDoubleArray();
    expected = new double[8][4];
    for (int r = 0; r < 8; r++) {
      System.arraycopy(e, r * 4, expected[r], 0, 4);
    }
  }

  @AfterAll
  static void close() {
    cnn.close();
  }

  @Test
  void deletionAndInsertionMatchRise() throws Exception {
    NDArray maps = npy("faithfulness/maps.npy");
    // RISE: 64 pixels per step on 32x32 = 16 steps; deletion to zeros, insertion from gkern(11, 5)
    // blur; the class is the model's prediction
    Map<String, Object> del = Map.of("steps", 16);
    Map<String, Object> ins = Map.of("steps", 16);
    MetricResult d = FaithfulnessMetricsTest.run("deletion", cnn, Target.predicted(), x, maps, del);
    MetricResult i =
        FaithfulnessMetricsTest.run("insertion", cnn, Target.predicted(), x, maps, ins);
    assertThat(d.perSample()).containsExactly(expected[0], within(1e-7));
    assertThat(i.perSample()).containsExactly(expected[1], within(1e-7));
    MetricResult dl =
        FaithfulnessMetricsTest.run(
            "deletion", cnn, Target.predicted(), x, maps, Map.of("steps", 16, "score", "target"));
    MetricResult il =
        FaithfulnessMetricsTest.run(
            "insertion", cnn, Target.predicted(), x, maps, Map.of("steps", 16, "score", "target"));
    assertThat(dl.perSample()).containsExactly(expected[6], within(1e-7));
    assertThat(il.perSample()).containsExactly(expected[7], within(1e-7));
  }

  @Test
  void blurKernelIsRisesGkern() throws Exception {
    double[] k = npy("faithfulness/gkern.npy").toDoubleArray();
    double[] g = dev.ibex.metrics.faithfulness.RiseKernelProbe.kernel(11, 5);
    for (int a = 0; a < 11; a++) {
      for (int b = 0; b < 11; b++) {
        assertThat(g[a] * g[b]).isCloseTo(k[a * 11 + b], within(1e-8));
      }
    }
  }

  @Test
  void confidenceDropAndIncreaseMatchPytorchGradCam() throws Exception {
    NDArray cams = npy("faithfulness/cams.npy");
    Target labels = Target.perSample(y);
    // pytorch-grad-cam multiplies by the cam as given (its cams are already min-max normalised)
    Map<String, Object> soft = Map.of("normalise", "none");
    Map<String, Object> logit = Map.of("normalise", "none", "score", "target");
    MetricResult drop = FaithfulnessMetricsTest.run("confidence-drop", cnn, labels, x, cams, soft);
    MetricResult inc =
        FaithfulnessMetricsTest.run("confidence-increase", cnn, labels, x, cams, soft);
    MetricResult dropL =
        FaithfulnessMetricsTest.run("confidence-drop", cnn, labels, x, cams, logit);
    MetricResult incL =
        FaithfulnessMetricsTest.run("confidence-increase", cnn, labels, x, cams, logit);
    for (int s = 0; s < 4; s++) {
      // ibex reports percentages: 100x pytorch-grad-cam's per-sample values
      assertThat(drop.perSample()[s]).isCloseTo(100 * expected[2][s], within(1e-5));
      assertThat(inc.perSample()[s]).isEqualTo(100 * expected[3][s]);
      assertThat(dropL.perSample()[s]).isCloseTo(100 * expected[4][s], within(1e-5));
      assertThat(incL.perSample()[s]).isEqualTo(100 * expected[5][s]);
    }
  }
}
