package dev.ibex.demo;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * The demo's residual CNN (a small ResNet in DJL blocks): a 3x3 conv-BN-ReLU stem with 2x2
 * max-pooling, three residual blocks of width w, 2w (stride 2) and 4w (stride 2), each followed by
 * its ReLU as a stage of its own, global average pooling and a linear classifier. On 56x56 inputs
 * the blocks work at 28, 14 and 7 pixels.
 *
 * <p>Layers (DJL child names): {@code 01Conv2d 02BatchNorm 03LambdaBlock(ReLU) 04LambdaBlock(pool)
 * 05ParallelBlock 06LambdaBlock(ReLU) 07ParallelBlock 08LambdaBlock(ReLU) 09ParallelBlock
 * 10LambdaBlock(ReLU) 11(GAP) 12(flatten) 13Linear}. {@link #CAM_LAYER} (the last block's ReLU,
 * 7x7) suits Grad-CAM; the first four children are the feature map AIB attends to.
 */
public final class ResidualCnn {
  /** Grad-CAM's layer: the ReLU after the last residual block. */
  public static final String CAM_LAYER = "10LambdaBlock";

  private ResidualCnn() {}

  /**
   * Builds an uninitialised residual CNN.
   *
   * @param classes output classes
   * @param width channels of the stem and first block (doubled at each later block)
   * @return the block
   */
  public static SequentialBlock create(int classes, int width) {
    return new SequentialBlock()
        .add(conv(width, 3, 1))
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(residual(width, width, 1))
        .add(Activation.reluBlock())
        .add(residual(width, 2 * width, 2))
        .add(Activation.reluBlock())
        .add(residual(2 * width, 4 * width, 2))
        .add(Activation.reluBlock())
        .add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(classes).build());
  }

  /**
   * conv-BN-ReLU-conv-BN plus the shortcut (identity, or a strided 1x1 conv-BN when the shape
   * changes), summed; the ReLU after the sum is the next stage.
   */
  static Block residual(int in, int out, int stride) {
    SequentialBlock main =
        new SequentialBlock()
            .add(conv(out, 3, stride))
            .add(BatchNorm.builder().build())
            .add(Activation.reluBlock())
            .add(conv(out, 3, 1))
            .add(BatchNorm.builder().build());
    Block shortcut =
        in == out && stride == 1
            ? Blocks.identityBlock()
            : new SequentialBlock().add(conv(out, 1, stride)).add(BatchNorm.builder().build());
    return new ParallelBlock(
        (List<NDList> outs) ->
            new NDList(outs.get(0).singletonOrThrow().add(outs.get(1).singletonOrThrow())),
        List.of(main, shortcut));
  }

  private static Conv2d conv(int filters, int kernel, int stride) {
    return Conv2d.builder()
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(kernel / 2, kernel / 2))
        .setFilters(filters)
        .optBias(false)
        .build();
  }
}
