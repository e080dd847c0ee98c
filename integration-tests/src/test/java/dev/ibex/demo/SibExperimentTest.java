package dev.ibex.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableMap;
import dev.ibex.training.engine.BatchReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SibExperimentTest {
  private static SibExperiment.Candidate candidate(double share, double shifted) {
    return new SibExperiment.Candidate(Map.of(), share, 0.5, shifted);
  }

  @Test
  void theChoiceNeedsAMeasurableShareThenTheBestShiftedValidation() {
    // the second is better on validation but its share is not measurable
    assertThat(SibExperiment.choose(List.of(candidate(0.02, 0.3), candidate(0.001, 0.9)))).isZero();
    assertThat(SibExperiment.choose(List.of(candidate(0.02, 0.3), candidate(0.2, 0.4))))
        .isEqualTo(1);
    assertThat(SibExperiment.choose(List.of(candidate(0.001, 0.3), candidate(0.2, 0.1))))
        .isEqualTo(1);
    assertThat(SibExperiment.choose(List.of(candidate(0.001, 0.3), candidate(0.002, 0.9))))
        .isZero();
  }

  @Test
  void theCurveMeasuresTheShareFromTheLoggedTerms() {
    TrainingCurve c = new TrainingCurve(Map.of("bg-weight", "1e4", "fg-weight", "1"));
    // bg part 1e4 * 1e-5 = 0.1, fg part 0.1: share 0.2 / (0.8 + 0.2)
    c.onBatch(
        new BatchReport(
            1, 1, 2, ImmutableMap.of("ce", 0.8, "s-ib/hsic", 0.1, "s-ib/bg-var", 1e-5), 0.5));
    c.onBatch(new BatchReport(1, 2, 2, ImmutableMap.of("ce", 1.0), 0.75));
    assertThat(c.shares().get(0)).isCloseTo(0.2, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(c.shares().get(1)).isZero();
    assertThat(c.meanShare()).isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(c.crossEntropy()).containsExactly(0.8, 1.0);
    assertThat(c.accuracy()).containsExactly(0.5, 0.75);
  }
}
