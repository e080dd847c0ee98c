package dev.ibex.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.util.Pair;
import dev.ibex.api.UnknownLayerException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlockModelTest {
  private NDManager manager;
  private SequentialBlock net;

  @BeforeEach
  void build() {
    manager = NDManager.newBaseManager();
    manager.getEngine().setRandomSeed(7);
    net =
        new SequentialBlock()
            .add(
                Conv2d.builder()
                    .setKernelShape(new Shape(3, 3))
                    .optPadding(new Shape(1, 1))
                    .setFilters(4)
                    .build())
            .add(BatchNorm.builder().build())
            .add(Activation.reluBlock())
            .add(Pool.globalAvgPool2dBlock())
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(3).build());
    net.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 8, 8));
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void layersAreChildNamesAndSplitsComposeToForward() {
    try (BlockModel model = BlockModel.of(net, manager)) {
      assertThat(model.layers()).hasSize(6);
      String relu = model.layers().get(2);
      NDArray x = manager.randomNormal(new Shape(2, 1, 8, 8));
      NDArray y = model.forward(x);
      NDArray z = model.toLayer(relu, x);
      assertThat(z.getShape()).isEqualTo(new Shape(2, 4, 8, 8));
      assertThat(model.fromLayer(relu, z).sub(y).abs().max().getFloat()).isLessThan(1e-6f);
      assertThat(model.stages().orElseThrow())
          .extracting(Stage::isRelu)
          .containsExactly(false, false, true, false, false, false);
    }
  }

  @Test
  void evalSemanticsBatchOfOneEqualsRowInBatch() {
    try (BlockModel model = BlockModel.of(net, manager)) {
      NDArray x = manager.randomNormal(new Shape(3, 1, 8, 8));
      assertThat(
              model.forward(x.get("1:2")).sub(model.forward(x).get("1:2")).abs().max().getFloat())
          .isLessThan(1e-6f);
    }
  }

  @Test
  void parametersAreFrozenWhileOpenAndRestoredAfter() {
    BlockModel model = BlockModel.of(net, manager);
    for (Pair<String, Parameter> p : net.getParameters()) {
      assertThat(p.getValue().getArray().hasGradient()).as(p.getKey()).isFalse();
    }
    model.close();
    long trainable =
        net.getParameters().stream().filter(p -> p.getValue().getArray().hasGradient()).count();
    assertThat(trainable).isGreaterThan(0);
  }

  @Test
  void unknownLayerListsTheKnownOnes() {
    try (BlockModel model = BlockModel.of(net, manager)) {
      assertThatThrownBy(() -> model.toLayer("conv9", manager.zeros(new Shape(1, 1, 8, 8))))
          .isInstanceOf(UnknownLayerException.class)
          .hasMessageContaining("unknown layer 'conv9'")
          .hasMessageContaining(model.layers().get(0));
    }
  }
}
