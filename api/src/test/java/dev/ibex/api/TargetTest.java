package dev.ibex.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class TargetTest {
  @AutoClose private static final NDManager manager = NDManager.newBaseManager();
  private static final NDArray logits = manager.create(new float[][] {{1, 5, 2}, {7, 0, 3}});

  @Test
  void fixedClassScoresThatLogitForEveryRow() {
    ResolvedTarget t = Target.ofClass(2).resolve(logits);
    assertThat(t.score(logits).toFloatArray()).containsExactly(2f, 3f);
    assertThat(t.classes()).hasValueSatisfying(c -> assertThat(c).containsExactly(2, 2));
  }

  @Test
  void perSampleAndPredictedPickTheirClasses() {
    assertThat(Target.perSample(0, 1).resolve(logits).score(logits).toFloatArray())
        .containsExactly(1f, 0f);
    ResolvedTarget predicted = Target.predicted().resolve(logits);
    assertThat(predicted.classes()).hasValueSatisfying(c -> assertThat(c).containsExactly(1, 0));
    assertThat(predicted.score(logits).toFloatArray()).containsExactly(5f, 7f);
  }

  @Test
  void rowsDerivedFromSamplesUseTheirSamplesClass() {
    NDArray rows = manager.create(new float[][] {{0, 1, 2}, {3, 4, 5}, {6, 7, 8}});
    ResolvedTarget t = Target.perSample(2, 0).resolve(logits);
    assertThat(t.score(rows, new int[] {1, 0, 0}).toFloatArray()).containsExactly(0f, 5f, 8f);
  }

  @Test
  void outOfRangeAndCountMismatchAreTypedErrors() {
    assertThatThrownBy(() -> Target.ofClass(3).resolve(logits))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("target class 3 of sample 0 is out of range [0, 2]");
    assertThatThrownBy(() -> Target.perSample(0).resolve(logits))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("got 1 targets for 2 samples");
    assertThatThrownBy(
            () -> Target.ofClass(0).resolve(manager.ones(new ai.djl.ndarray.types.Shape(2))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("(samples, classes)");
  }

  @Test
  void negativeClassIsRefusedWhereItIsGiven() {
    // -1 once fell through to "predicted" and was labelled "class -1"
    assertThatThrownBy(() -> Target.ofClass(-1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("target class -1 is negative; classes are numbered from 0");
    assertThatThrownBy(() -> Target.perSample(0, -2).resolve(logits))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("target class -2 of sample 1 is out of range [0, 2]");
  }

  @Test
  void onlyClassTargetsNeedTheModelOutput() {
    assertThat(Target.ofClass(1).needsModelOutput()).isTrue();
    assertThat(Target.predicted().needsModelOutput()).isTrue();
    Target cosine = Target.cosineSimilarity(manager.ones(new ai.djl.ndarray.types.Shape(2, 3)));
    assertThat(cosine.needsModelOutput()).isFalse();
    assertThat(cosine.resolve(null).score(logits).getShape())
        .isEqualTo(new ai.djl.ndarray.types.Shape(2));
    assertThatThrownBy(() -> Target.ofClass(1).resolve(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cosineSimilarityMatchesTheFormula() {
    NDArray emb = manager.create(new float[][] {{1, 0, 0}, {0, 0, 2}});
    ResolvedTarget t = Target.cosineSimilarity(emb).resolve(logits);
    float[] s = t.score(logits).toFloatArray();
    assertThat(s[0])
        .isCloseTo((float) (1 / Math.sqrt(30)), org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(s[1])
        .isCloseTo((float) (3 / Math.sqrt(58)), org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(t.classes()).isEmpty();
  }
}
