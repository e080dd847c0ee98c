package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ibex.api.Metric;
import dev.ibex.api.MetricInput;
import dev.ibex.api.PluginKind;
import dev.ibex.api.options.Vocabulary;
import dev.ibex.api.plugins.Plugins;
import org.junit.jupiter.api.Test;

/**
 * Every plugin ibex ships speaks one option vocabulary: a new option that spells a standard one
 * differently, changes its values, or gives an existing name another type fails here.
 */
class OptionVocabularyTest {
  private final Plugins plugins = Plugins.discover(getClass().getClassLoader());

  @Test
  void allDiscoveredPluginsAgreeOnTheVocabulary() {
    assertThat(plugins.all()).hasSizeGreaterThan(40);
    assertThat(Vocabulary.check(plugins.all())).isEmpty();
  }

  @Test
  void everyMetricDeclaresWhatItNeeds() {
    for (var p : plugins.of(PluginKind.METRIC).values()) {
      Metric m = (Metric) p;
      assertThat(m.needs(m.options().defaults()))
          .as(m.name())
          .contains(
              m.name().equals("fps") || m.name().equals("model-randomisation")
                  ? MetricInput.Part.ATTRIBUTOR
                  : MetricInput.Part.ATTRIBUTIONS);
    }
  }
}
