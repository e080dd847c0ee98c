package dev.ibex.demo.clip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ibex.api.host.Ibex;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The experiment on a tiny run produces every method x side x metric (structure, not numbers). */
@ExtendWith(OneTorchThread.class)
class NibExperimentTest {

  @Test
  @SuppressWarnings("unchecked")
  void aTinyRunHasEveryMethodSideAndMetric() {
    NibConfig tiny = new NibConfig(128, 64, 0.5, 1, 64, 1e-3f, 0.1f, 4, 2, 20, 2, 1, 1);
    NibOutcome out = new NibExperiment(Ibex.discover(), tiny, System.out::println).run();
    for (String method : NibExperiment.METHODS) {
      NibOutcome.Score image = out.score(method, "image");
      assertThat(image).as(method).isNotNull();
      assertThat(image.metrics()).containsOnlyKeys(NibExperiment.IMAGE_METRICS);
      assertThat(image.imagesPerSecond()).isPositive();
      assertThat(image.forwardPerPair() + image.backwardPerPair()).isPositive();
      assertThat(image.pairs()).isEqualTo(NibExperiment.EXPENSIVE.contains(method) ? 2 : 4);
      assertThat(image.pointingByScene()).containsOnlyKeys("one-garment", "two-garments");
      NibOutcome.Score text = out.score(method, "text");
      if (NibExperiment.TEXT_METHODS.contains(method)) {
        assertThat(text.metrics()).as(method).containsOnlyKeys(NibExperiment.TEXT_METRICS);
        assertThat(text.verdicts()).containsOnlyKeys(NibExperiment.TEXT_METRICS);
      } else {
        assertThat(text).as(method).isNull();
      }
      assertThat(image.verdicts()).containsKeys("confidence-drop", "confidence-increase");
    }
    assertThat(out.curve()).hasSize(1);
    assertThat(out.pointingChance()).isBetween(0.0, 1.0);
    assertThat(out.pointingChanceByScene()).containsOnlyKeys("one-garment", "two-garments");
    assertThat(out.examples()).hasSize(1);
    NibOutcome.Example e = out.examples().get(0);
    assertThat(e.imageMaps()).containsOnlyKeys(NibExperiment.METHODS);
    e.imageMaps().values().forEach(v -> assertThat(v).hasSize(56 * 56));
    assertThat(e.tokenScores()).containsOnlyKeys(NibExperiment.TEXT_METHODS);
    e.tokenScores().values().forEach(v -> assertThat(v).hasSize(Captions.CONTEXT));
    Map<String, Object> json = out.toMap();
    assertThat(json)
        .containsKeys(
            "config", "retrieval", "curve", "scores", "pointing-chance", "examples", "seconds");
    assertThat((List<Object>) json.get("scores"))
        .hasSize(NibExperiment.METHODS.size() + NibExperiment.TEXT_METHODS.size());
  }
}
