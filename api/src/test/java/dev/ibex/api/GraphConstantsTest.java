package dev.ibex.api;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * A graph constant stays valid until the backward, whatever the garbage collector does in between
 * (the numbers DJL's {@code mul(Number)} wraps do not: see {@link GraphConstants}).
 */
class GraphConstantsTest {
  @Test
  void gradientThroughAConstantSurvivesACollectionBeforeBackward() {
    for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
      try (NDManager m = NDManager.newBaseManager()) {
        NDArray x = m.create(new float[] {1, -2, 3}).toType(type, false);
        x.setRequiresGradient(true);
        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
          NDArray c1 = GraphConstants.scalar(x, 0.5);
          assertThat(c1.getShape()).isEqualTo(new Shape());
          assertThat(c1.getDataType()).isEqualTo(type);
          NDArray y = x.mul(c1).maximum(GraphConstants.scalar(x, -0.75)).sum();
          churnAndCollect(m);
          c.backward(y);
        }
        // d/dx max(x/2, -0.75) = 1/2 where x/2 > -0.75, else 0
        assertThat(x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray())
            .containsExactly(0.5, 0, 0.5);
      }
    }
  }

  // Leaves garbage with direct buffers behind and asks for a full collection, as a host's other
  // work would.
  private static void churnAndCollect(NDManager m) {
    for (int i = 0; i < 200; i++) {
      try (NDArray t = m.create(new float[1024])) {
        t.getShape();
      }
    }
    System.gc();
    System.runFinalization();
  }
}
