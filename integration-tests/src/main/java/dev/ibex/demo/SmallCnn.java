package dev.ibex.demo;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * The small CNN of the training demos: three 3x3 conv-ReLU stages (the first two followed by 2x2
 * max-pooling), global average pooling and a linear classifier. Layers (DJL child names): {@code
 * 01Conv2d 02LambdaBlock(ReLU) 03LambdaBlock(pool) 04Conv2d 05.. 06.. 07Conv2d 08.. 09(GAP)
 * 10(flatten) 11Linear}; the last conv ({@code 07Conv2d}, via its ReLU {@code 08LambdaBlock}) suits
 * Grad-CAM, and the first three children are the feature map AIB attends to.
 */
public final class SmallCnn {
  private SmallCnn() {}

  /**
   * Builds an uninitialised small CNN.
   *
   * @param classes output classes
   * @param width channels of the first stage (doubled at each later stage)
   * @return the block
   */
  public static SequentialBlock create(int classes, int width) {
    return new SequentialBlock()
        .add(conv(width))
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(conv(2 * width))
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(conv(4 * width))
        .add(Activation.reluBlock())
        .add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(classes).build());
  }

  /**
   * The default demo model: 10 classes, width 16.
   *
   * @return the block
   */
  public static SequentialBlock create() {
    return create(10, 16);
  }

  private static Conv2d conv(int filters) {
    return Conv2d.builder()
        .setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1))
        .setFilters(filters)
        .build();
  }
}
