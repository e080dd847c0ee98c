package dev.ibex.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunksTest {
  @Test
  void coversTheRangeInOrderAndClosesEachChunkManager() {
    try (NDManager parent = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      List<int[]> seen = new ArrayList<>();
      List<NDManager> managers = new ArrayList<>();
      Chunks.forEach(
          10,
          4,
          parent,
          (from, to, chunk) -> {
            seen.add(new int[] {from, to});
            chunk.zeros(new Shape(2)); // intermediates of the chunk
            managers.add(chunk);
          });
      assertThat(seen).containsExactly(new int[] {0, 4}, new int[] {4, 8}, new int[] {8, 10});
      assertThat(managers).allSatisfy(m -> assertThat(m.isOpen()).isFalse());
      assertThat(parent.getManagedArrays()).isEmpty();
    }
  }

  @Test
  void rowsMapToSamplesSampleMajorOrNodeMajor() {
    assertThat(Chunks.sampleMajor(3, 8, 3)).containsExactly(1, 1, 1, 2, 2);
    assertThat(Chunks.nodeMajor(3, 8, 3)).containsExactly(0, 1, 2, 0, 1);
  }

  @Test
  void sampleMajorChunksKnowTheSampleOfEachRow() {
    try (NDManager parent = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      List<int[]> samples = new ArrayList<>();
      Chunks.forEachSampleMajor(
          3, 2, 4, parent, (from, to, sampleOfRow, chunk) -> samples.add(sampleOfRow));
      assertThat(samples).containsExactly(new int[] {0, 0, 1, 1}, new int[] {2, 2});
    }
  }

  @Test
  void refusesAnEmptyChunkSize() {
    try (NDManager parent = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      assertThatThrownBy(() -> Chunks.forEach(3, 0, parent, (a, b, c) -> {}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least 1");
    }
  }
}
