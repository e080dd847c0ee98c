package dev.ibex.attribution.wrapper;

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

/** A seeded conv-ReLU-linear network for (N, 3, 8, 8) inputs. */
final class TinyCnn {
  private TinyCnn() {}

  static SequentialBlock build(NDManager manager) {
    SequentialBlock b =
        new SequentialBlock()
            .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(4).build())
            .add(Activation.reluBlock())
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(3).build());
    b.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 8, 8));
    Random r = new Random(9);
    for (Pair<String, Parameter> p : b.getParameters()) {
      float[] v = new float[(int) p.getValue().getArray().getShape().size()];
      for (int k = 0; k < v.length; k++) {
        v[k] = (float) (r.nextGaussian() * 0.3);
      }
      p.getValue().getArray().set(v);
    }
    return b;
  }
}
