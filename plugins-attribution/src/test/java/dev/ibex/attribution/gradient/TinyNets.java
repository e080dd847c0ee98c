package dev.ibex.attribution.gradient;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import java.util.Random;

/** Small Java-built models with seeded weights, for tests on {@code BlockModel}. */
final class TinyNets {
  private TinyNets() {}

  /**
   * conv(3→4) · ReLU · conv(4→6) · ReLU · flatten · linear(→12) · ReLU · linear(→5), for (N, 3, 8, 8).
   *
   * @param bias whether layers have biases (without: a nonnegatively homogeneous model)
   */
  static SequentialBlock cnn(NDManager manager, boolean bias, long seed) {
    return cnn(manager, bias, seed, false);
  }

  /** {@link #cnn(NDManager, boolean, long)}, optionally with a ReLU as its first stage. */
  static SequentialBlock cnn(NDManager manager, boolean bias, long seed, boolean reluFirst) {
    SequentialBlock b = new SequentialBlock();
    if (reluFirst) {
      b.add(Activation.reluBlock());
    }
    b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(4).optBias(bias).build())
        .add(Activation.reluBlock())
        .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(6).optBias(bias).build())
        .add(Activation.reluBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(12).optBias(bias).build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(5).optBias(bias).build());
    return init(b, manager, new Shape(1, 3, 8, 8), seed);
  }

  /** flatten · linear(4→3) · ReLU · linear(3→2), bias-free, for (N, 1, 2, 2). */
  static SequentialBlock mlp(NDManager manager, float[] w1, float[] w2) {
    SequentialBlock b =
        new SequentialBlock()
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(3).optBias(false).build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(2).optBias(false).build());
    b.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 2, 2));
    int i = 0;
    for (Pair<String, Parameter> p : b.getParameters()) {
      p.getValue().getArray().set(i++ == 0 ? w1 : w2);
    }
    return b;
  }

  static SequentialBlock init(SequentialBlock b, NDManager manager, Shape input, long seed) {
    b.initialize(manager, DataType.FLOAT32, input);
    Random r = new Random(seed);
    for (Pair<String, Parameter> p : b.getParameters()) {
      long size = p.getValue().getArray().getShape().size();
      float[] v = new float[(int) size];
      for (int k = 0; k < v.length; k++) {
        v[k] = (float) (r.nextGaussian() * (p.getKey().contains("bias") ? 0.1 : 0.4));
      }
      p.getValue().getArray().set(v);
    }
    return b;
  }
}
