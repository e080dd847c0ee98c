package dev.ibex.attribution.gradient;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Attributor;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Target;
import dev.ibex.attribution.fixtures.ParityFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every gradient-family method refuses a wrong rank, NaN input and an out-of-range target. */
class BadInputTest {
  private static final List<Attributor> METHODS =
      List.of(
          new Saliency(),
          new InputXGradient(),
          new IntegratedGradients(),
          new FastIG(),
          new Mfaba(),
          new GuidedBackprop());

  @Test
  void badInputsFailTyped() {
    try (ParityFixture f = new ParityFixture("plain")) {
      NDArray rank3 = f.x.get(0);
      NDArray nan = f.x.duplicate();
      nan.set(new ai.djl.ndarray.index.NDIndex("1, 0, 3, 3"), Float.NaN);
      for (Attributor m : METHODS) {
        assertThatThrownBy(() -> m.attribute(f.model, rank3, Target.ofClass(0)))
            .as(m.name())
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("rank 4");
        assertThatThrownBy(() -> m.attribute(f.model, nan, Target.ofClass(0)))
            .as(m.name())
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("NaN");
        if (!(m instanceof GuidedBackprop)) {
          assertThatThrownBy(() -> m.attribute(f.model, f.x, Target.ofClass(10)))
              .as(m.name())
              .isInstanceOf(InvalidInputException.class)
              .hasMessageContaining("out of range");
          assertThatThrownBy(() -> m.attribute(f.model, f.x, Target.perSample(1, 2)))
              .as(m.name())
              .isInstanceOf(InvalidInputException.class)
              .hasMessageContaining("2 targets for 4 samples");
        }
      }
      assertThatThrownBy(
              () ->
                  new Saliency()
                      .attribute(f.model, f.manager.zeros(new Shape(2, 3, 7)), Target.ofClass(0)))
          .isInstanceOf(InvalidInputException.class);
    }
  }
}
