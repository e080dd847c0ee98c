package dev.ibex.training.aib;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.ibex.api.model.BlockModel;
import dev.ibex.api.model.NativelyExplained;
import dev.ibex.training.fixtures.TestCnn;
import org.junit.jupiter.api.Test;

/**
 * A model trained with aib says, through the host-facing capability, that aib-attention explains
 * it.
 */
class AibNativeAttributorTest {
  @Test
  void aibModelNamesItsAttributorAndAPlainModelNone() {
    Aib aib = new Aib();
    try (NDManager manager = NDManager.newBaseManager()) {
      Block wrapped =
          aib.create(aib.options().defaults().with("latent", 8)).wrap(TestCnn.create(10, 4));
      wrapped.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 8, 8));
      assertThat(NativelyExplained.attributorFor(wrapped)).contains(new AibAttention().name());
      try (BlockModel model = BlockModel.of(wrapped, manager)) {
        assertThat(NativelyExplained.attributorFor(model)).contains("aib-attention");
      }
      Block plain = TestCnn.create(10, 4);
      plain.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 8, 8));
      assertThat(NativelyExplained.attributorFor(plain)).isEmpty();
      try (BlockModel model = BlockModel.of(plain, manager)) {
        assertThat(NativelyExplained.attributorFor(model)).isEmpty();
      }
    }
  }
}
