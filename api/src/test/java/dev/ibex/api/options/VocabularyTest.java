package dev.ibex.api.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.Plugin;
import dev.ibex.api.spi.AbstractPlugin;
import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {
  /** A plugin with the given options, named and described by its name. */
  private static Plugin plugin(String name, OptionSpec... options) {
    return new AbstractPlugin(name, name, OptionSchema.of(options)) {};
  }

  @Test
  void standardOptionsWithTheirOwnDefaultsAndDocsAgree() {
    assertThat(
            Vocabulary.check(
                List.of(
                    plugin(
                        "a",
                        StandardOptions.NORMALISE,
                        StandardOptions.INTERNAL_BATCH_SIZE.withDefault(32)),
                    plugin(
                        "b",
                        StandardOptions.NORMALISE.withDefault("minmax").withDoc("as the authors"),
                        StandardOptions.SEED))))
        .isEmpty();
  }

  @Test
  void driftingSpellingsValuesAndTypesAreNamed() {
    List<String> problems =
        Vocabulary.check(
            List.of(
                plugin(
                    "cam", OptionSpec.choice("normalize", "none", List.of("none", "minmax"), "x")),
                plugin(
                    "metric",
                    OptionSpec.integer("batch-size", 32, "x"),
                    OptionSpec.choice("normalise", "min-max", List.of("min-max", "none"), "x"),
                    OptionSpec.integer("steps", 3, "x")),
                plugin("other", OptionSpec.text("steps", "3", "x"))));
    assertThat(problems)
        .containsExactly(
            "option 'normalize' of cam: spell it 'normalise'",
            "option 'batch-size' of metric: spell it 'internal-batch-size'",
            "option 'normalise' of metric offers [min-max, none]; the standard option offers [none, minmax]",
            "option 'steps' of other is STRING but INT in metric");
  }

  @Test
  void baselinesAreZerosBlurOrAFiniteNumber() {
    Options o = OptionSchema.of(StandardOptions.BASELINE).defaults();
    assertThat(o.get("baseline")).contains("zeros");
    assertThat(o.withText("baseline", " Blur ").get("baseline")).contains("blur");
    assertThat(o.withText("baseline", "0.5").get("baseline")).contains(0.5);
    assertThat(o.with("baseline", 2).get("baseline")).contains(2.0);
    assertThatThrownBy(() -> o.withText("baseline", "grey"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("zeros, blur or a number");
    assertThatThrownBy(() -> o.with("baseline", Double.NaN))
        .isInstanceOf(InvalidOptionException.class);
  }
}
