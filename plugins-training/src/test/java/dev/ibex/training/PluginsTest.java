package dev.ibex.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.Regularizer;
import dev.ibex.api.plugins.Plugins;
import dev.ibex.training.engine.LearningRateSchedule;
import org.junit.jupiter.api.Test;

class PluginsTest {
  private static final Plugins PLUGINS = Plugins.discover(PluginsTest.class.getClassLoader());

  @Test
  void discoversTheTrainingPlugins() {
    assertThat(PLUGINS.problems()).isEmpty();
    assertThat(PLUGINS.regularizer("s-ib").name()).isEqualTo("s-ib");
    assertThat(PLUGINS.regularizer("aib").options().defaults().asMap())
        .containsEntry("beta", 0.01)
        .containsEntry("lambda-q", 0.4)
        .containsEntry("lambda-c", 0.1)
        .containsEntry("latent", 256)
        .containsEntry("anchors", 20)
        .containsEntry("test-samples", 4);
    assertThat(PLUGINS.attributor("aib-attention").name()).isEqualTo("aib-attention");
  }

  @Test
  void sibRejectsInconsistentOptions() {
    Regularizer sib = PLUGINS.regularizer("s-ib");
    assertThatThrownBy(() -> sib.create(sib.options().defaults().with("density-kernel", 30)))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("odd");
    assertThatThrownBy(
            () ->
                sib.create(
                    sib.options().defaults().with("low-quantile", 0.9).with("high-quantile", 0.5)))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("low-quantile");
    assertThatThrownBy(() -> sib.options().defaults().with("form", "square"))
        .isInstanceOf(InvalidOptionException.class);
    Regularizer aib = PLUGINS.regularizer("aib");
    assertThatThrownBy(() -> sib.create(aib.options().defaults()))
        .isInstanceOf(InvalidOptionException.class);
  }

  @Test
  void schedulesDecay() {
    assertThat(LearningRateSchedule.CONSTANT.rate(1f, 100, 90)).isEqualTo(1f);
    assertThat(LearningRateSchedule.COSINE.rate(1f, 100, 0)).isEqualTo(1f);
    assertThat(LearningRateSchedule.COSINE.rate(1f, 100, 100))
        .isCloseTo(0.01f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(LearningRateSchedule.STEP.rate(1f, 100, 60)).isEqualTo(0.1f);
    // a resumed run continues the schedule
    assertThat(LearningRateSchedule.COSINE.tracker(1f, 100, 50).getNewValue(0))
        .isEqualTo(LearningRateSchedule.COSINE.rate(1f, 100, 50));
  }
}
