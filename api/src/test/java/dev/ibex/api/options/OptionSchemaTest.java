package dev.ibex.api.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ibex.api.InvalidOptionException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionSchemaTest {
  private final OptionSchema schema =
      OptionSchema.of(
          OptionSpec.integer("steps", 50, "integration steps").withRange(1, 10_000),
          OptionSpec.real("stdev", 0.15, "noise level").withRange(0, 10),
          OptionSpec.bool("abs", true, "absolute value"),
          OptionSpec.choice(
              "quadrature", "gausslegendre", List.of("riemann_left", "gausslegendre"), "rule"),
          OptionSpec.text("layer", null, "split point"));

  @Test
  void defaultsHoldEveryOptionWithADefault() {
    Options o = schema.defaults();
    assertThat(o.getInt("steps")).isEqualTo(50);
    assertThat(o.getDouble("stdev")).isEqualTo(0.15);
    assertThat(o.getBoolean("abs")).isTrue();
    assertThat(o.getString("quadrature")).isEqualTo("gausslegendre");
    assertThat(o.get("layer")).isEmpty();
  }

  @Test
  void parsesCommandLineText() {
    Options o =
        schema.parse(Map.of("steps", "64", "stdev", "0.5", "abs", "FALSE", "layer", "conv3"));
    assertThat(o.getInt("steps")).isEqualTo(64);
    assertThat(o.getDouble("stdev")).isEqualTo(0.5);
    assertThat(o.getBoolean("abs")).isFalse();
    assertThat(o.getString("layer")).isEqualTo("conv3");
  }

  @Test
  void bindsTypedValuesAndWidensNumbers() {
    Options o = schema.bind(Map.of("steps", 8L, "stdev", 1));
    assertThat(o.getInt("steps")).isEqualTo(8);
    assertThat(o.getDouble("stdev")).isEqualTo(1.0);
  }

  @Test
  void withReturnsACopy() {
    Options a = schema.defaults();
    Options b = a.with("steps", 3);
    assertThat(a.getInt("steps")).isEqualTo(50);
    assertThat(b.getInt("steps")).isEqualTo(3);
  }

  @Test
  void unknownOptionNamesItAndTheKnownOnes() {
    assertThatThrownBy(() -> schema.parse(Map.of("stepz", "3")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("unknown option 'stepz'")
        .hasMessageContaining("steps, stdev, abs, quadrature, layer");
  }

  @Test
  void outOfRangeNamesOptionAndRange() {
    assertThatThrownBy(() -> schema.parse(Map.of("steps", "0")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("option 'steps' = 0 is out of range [1, 10000]");
    assertThatThrownBy(() -> schema.defaults().with("stdev", -0.1))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("'stdev'");
  }

  @Test
  void badTextAndWrongTypesAreRejected() {
    assertThatThrownBy(() -> schema.parse(Map.of("steps", "many")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("option 'steps' must be an integer, got 'many'");
    assertThatThrownBy(() -> schema.parse(Map.of("abs", "yes")))
        .hasMessageContaining("must be true or false");
    assertThatThrownBy(() -> schema.defaults().with("steps", 2.5))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("must be an integer, got Double");
    assertThatThrownBy(() -> schema.defaults().with("stdev", Double.NaN))
        .hasMessageContaining("must not be NaN");
    assertThatThrownBy(() -> schema.parse(Map.of("quadrature", "simpson")))
        .hasMessage(
            "option 'quadrature' must be one of [riemann_left, gausslegendre], got 'simpson'");
  }

  @Test
  void requiredOptionWithoutValueFailsWhenRead() {
    assertThatThrownBy(() -> schema.defaults().getString("layer"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("option 'layer' must be set");
  }

  @Test
  void invalidSpecsFailAtDefinition() {
    assertThatThrownBy(() -> OptionSpec.integer("Steps", 1, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OptionSpec.integer("steps", 0, "x").withRange(1, 5))
        .isInstanceOf(InvalidOptionException.class);
    assertThatThrownBy(
            () -> OptionSchema.of(OptionSpec.bool("a", true, ""), OptionSpec.bool("a", false, "")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
