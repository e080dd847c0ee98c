package dev.ibex.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.Target;
import org.junit.jupiter.api.Test;

class ScoreModeTest {
  @Test
  void softmaxIsTheClassProbabilityAndTargetTheLogit() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray logits = m.create(new float[] {1, 2, 3, 0, 0, 0}, new Shape(2, 3));
      ResolvedTarget t = Target.perSample(2, 0).resolve(logits);
      double[] soft = SampleRows.toDoubles(ScoreMode.SOFTMAX.score(t, logits, new int[] {0, 1}));
      double[] raw = SampleRows.toDoubles(ScoreMode.TARGET.score(t, logits, new int[] {0, 1}));
      double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
      assertThat(soft[0]).isCloseTo(Math.exp(3) / z, within(1e-6));
      assertThat(soft[1]).isCloseTo(1 / 3.0, within(1e-6));
      assertThat(raw).containsExactly(3.0, 0.0);
    }
  }

  @Test
  void aScoreFunctionIsScoredByItsFunctionUnlessAMethodAsksForAClassTarget() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray out = m.create(new float[] {3, 4}, new Shape(1, 2));
      Target cosine = Target.cosineSimilarity(m.create(new float[] {3, 4}, new Shape(1, 2)));
      ResolvedTarget t = cosine.resolve(null);
      assertThat(SampleRows.toDoubles(ScoreMode.SOFTMAX.score(t, out, new int[] {0}))[0])
          .isCloseTo(1, within(1e-6));
      ScoreMode.TARGET.requireClassTargetForSoftmax(cosine, "rise");
      assertThatThrownBy(() -> ScoreMode.SOFTMAX.requireClassTargetForSoftmax(cosine, "rise"))
          .isInstanceOf(InvalidOptionException.class)
          .hasMessageContaining("rise")
          .hasMessageContaining("score=target");
    }
  }
}
