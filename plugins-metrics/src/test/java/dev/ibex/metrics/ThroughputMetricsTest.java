package dev.ibex.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.Direction;
import dev.ibex.api.Metric;
import dev.ibex.api.MetricInput;
import dev.ibex.api.MetricResult;
import dev.ibex.api.model.BlockModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FPS of an attributor: a batch-level measurement with the attributor's pass counts. */
class ThroughputMetricsTest {

  @Test
  void measuresSamplesPerSecondAndPassCounts() {
    try (NDManager m = NDManager.newBaseManager();
        BlockModel model = TestModels.weightedSum(m, LocalisationMetricsTest.MASK)) {
      NDArray x =
          TestModels.images(
              m, LocalisationMetricsTest.A, LocalisationMetricsTest.B, LocalisationMetricsTest.A);
      Metric fps = MetricsUnderTest.get("fps");
      MetricInput in =
          MetricsUnderTest.classZero(model, x).attributor(TestAttributors.gradient(), null).build();
      long before = model.passes().forward();
      MetricResult r = fps.evaluate(in, fps.options().bind(Map.of("warmup", 2, "repeats", 4)));
      assertThat(fps.direction()).isEqualTo(Direction.HIGHER_IS_BETTER);
      assertThat(r.perSample()).isEmpty();
      assertThat(r.extras().get("seconds")).hasSize(4);
      double total = 0;
      for (double s : r.extras().get("seconds")) {
        total += s;
      }
      assertThat(r.value()).isEqualTo(3 * 4 / total);
      // the gradient attributor makes one forward and one backward pass per sample
      assertThat(r.extras().get("forward-passes-per-sample")).containsExactly(1.0);
      assertThat(r.extras().get("backward-passes-per-sample")).containsExactly(1.0);
      // warm-up runs happen but are not timed: 6 runs of 3 samples went forward
      assertThat(model.passes().forward() - before).isEqualTo(6 * 3);
    }
  }
}
