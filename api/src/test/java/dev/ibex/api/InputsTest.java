package dev.ibex.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class InputsTest {
  private static int arrays(NDManager m) {
    return ((BaseNDManager) m).getManagedArrays().size();
  }

  @Test
  void checksLeaveNoArrayOnTheCallersManager() {
    try (NDManager base = NDManager.newBaseManager();
        NDManager m = base.newSubManager()) {
      NDArray x = m.randomNormal(new Shape(4, 3, 32, 32));
      int before = arrays(m);
      for (int i = 0; i < 10; i++) {
        Inputs.requireImageBatch(x);
      }
      assertThat(arrays(m)).isEqualTo(before);
      x.set(new NDIndex("0, 0, 0, 0"), Float.NaN);
      int withNan = arrays(m);
      assertThatThrownBy(() -> Inputs.requireFinite(x, "input"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("input contains 1 NaN value(s)");
      assertThat(arrays(m)).isEqualTo(withNan);
    }
  }
}
