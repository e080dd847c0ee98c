package dev.ibex.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ibex.api.host.Ibex;
import java.util.List;
import org.junit.jupiter.api.Test;

class AibExperimentTest {
  private static final Ibex IBEX = Ibex.discover();

  @Test
  void thePapersSizesAndRadiiAreScaledFromCifarToTheCanvas() {
    AibExperiment e = new AibExperiment(IBEX, SibConfig.quick(3), line -> {}, null);
    List<Object> scaled =
        AibPaper.MODIFICATIONS.stream()
            .map(
                m ->
                    e.modificationOptions(m)
                        .get(m.kind().equals("colour-block") ? "size" : m.kind() + "-radius"))
            .toList();
    // 56 / 32 = 1.75: p = 4, 8, 12, 16 -> 7, 14, 21, 28; r > 4 -> 7, r < 12 -> 21
    assertThat(scaled).containsExactly(7, 14, 21, 28, 7.0, 21.0);
    assertThat(e.modificationOptions(AibPaper.MODIFICATIONS.get(0)))
        .containsEntry("modification", "colour-block")
        .containsEntry("seed", 3);
  }

  @Test
  void everyModificationAndMethodIsAValidPluginCall() {
    AibExperiment e = new AibExperiment(IBEX, SibConfig.quick(3), line -> {}, null);
    for (AibPaper.Modification m : AibPaper.MODIFICATIONS) {
      Ibex.options(IBEX.plugins().metric(AibExperiment.SCORE), e.modificationOptions(m));
    }
    for (List<String> methods : AibExperiment.METHODS.values()) {
      for (String method : methods) {
        Ibex.options(IBEX.plugins().attributor(method), AibExperiment.methodOptions(method));
      }
    }
    assertThat(AibExperiment.METHODS.keySet())
        .containsExactlyInAnyOrderElementsOf(AibExperiment.VARIANTS);
  }

  @Test
  void thePapersChangesAreAibMinusBaseline() {
    assertThat(AibPaper.TOP1.change())
        .isCloseTo(3.67, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(AibPaper.MODIFICATIONS.get(2).scores().change())
        .isCloseTo(91.10 - 37.71, org.assertj.core.api.Assertions.within(1e-9));
  }
}
