package dev.ibex.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import dev.ibex.api.model.BlockModel;
import org.junit.jupiter.api.Test;

class ResidualCnnTest {
  @Test
  void shapesLayersAndTheCamLayer() {
    try (NDManager m = NDManager.newBaseManager()) {
      SequentialBlock net = ResidualCnn.create(10, 8);
      net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 56, 56));
      try (BlockModel model = BlockModel.of(net, m)) {
        NDArray x = m.randomUniform(0, 1, new Shape(2, 1, 56, 56));
        assertThat(model.forward(x).getShape()).isEqualTo(new Shape(2, 10));
        assertThat(model.layers()).contains(ResidualCnn.CAM_LAYER);
        NDArray cam = model.toLayer(ResidualCnn.CAM_LAYER, x);
        assertThat(cam.getShape()).isEqualTo(new Shape(2, 32, 7, 7));
        assertThat(cam.min().getFloat()).isGreaterThanOrEqualTo(0f); // after the ReLU
        // the rest of the net from the CAM layer gives the same logits
        assertThat(
                model
                    .fromLayer(ResidualCnn.CAM_LAYER, cam)
                    .sub(model.forward(x))
                    .abs()
                    .max()
                    .getFloat())
            .isLessThan(1e-5f);
      }
    }
  }
}
