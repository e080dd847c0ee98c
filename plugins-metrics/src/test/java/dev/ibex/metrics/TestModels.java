package dev.ibex.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;
import dev.ibex.api.model.BlockModel;

/** Small DJL models built in Java whose outputs can be worked out by hand. */
final class TestModels {
  private TestModels() {}

  /**
   * (N,1,4,4) images to two logits: {@code z0 = Σ_p w_p x_p}, {@code z1 = 0}.
   *
   * @param m manager
   * @param w 16 pixel weights, row-major
   * @return the model
   */
  static BlockModel weightedSum(NDManager m, float[] w) {
    Linear linear = Linear.builder().setUnits(2).optBias(false).build();
    SequentialBlock block = new SequentialBlock().add(Blocks.batchFlattenBlock()).add(linear);
    block.initialize(m, DataType.FLOAT32, new Shape(1, 1, 4, 4));
    float[] weights = new float[32];
    System.arraycopy(w, 0, weights, 0, 16);
    linear.getParameters().get("weight").getArray().set(weights);
    return BlockModel.of(block, m);
  }

  /**
   * (N,1,4,4) images to a (N,2) embedding {@code e = (Σ_p a_p x_p, Σ_p b_p x_p)}.
   *
   * @param m manager
   * @param a weights of the first coordinate
   * @param b weights of the second
   * @return the model
   */
  static BlockModel embedding(NDManager m, float[] a, float[] b) {
    Linear linear = Linear.builder().setUnits(2).optBias(false).build();
    SequentialBlock block = new SequentialBlock().add(Blocks.batchFlattenBlock()).add(linear);
    block.initialize(m, DataType.FLOAT32, new Shape(1, 1, 4, 4));
    float[] weights = new float[32];
    System.arraycopy(a, 0, weights, 0, 16);
    System.arraycopy(b, 0, weights, 16, 16);
    linear.getParameters().get("weight").getArray().set(weights);
    return BlockModel.of(block, m);
  }

  /**
   * (N,L) token ids to an (N,D) text embedding: one-hot, then a token-embedding table (layer {@code
   * 02Linear}, output (N,L,D)), then the sum over tokens.
   *
   * @param m manager
   * @param table (V, D) embedding of each token id
   * @return the model
   */
  static BlockModel tokenSum(NDManager m, float[][] table) {
    int v = table.length;
    int d = table[0].length;
    Linear embed = Linear.builder().setUnits(d).optBias(false).build();
    SequentialBlock block =
        new SequentialBlock()
            .add(
                new LambdaBlock(
                    x -> new NDList(x.singletonOrThrow().toType(DataType.INT64, false).oneHot(v)),
                    "onehot"))
            .add(embed)
            .add(new LambdaBlock(x -> new NDList(x.singletonOrThrow().sum(new int[] {1})), "sum"));
    block.initialize(m, DataType.FLOAT32, new Shape(1, 3));
    float[] w = new float[d * v];
    for (int k = 0; k < d; k++) {
      for (int t = 0; t < v; t++) {
        w[k * v + t] = table[t][k];
      }
    }
    embed.getParameters().get("weight").getArray().set(w);
    return BlockModel.of(block, m);
  }

  /**
   * A random 16-8-8-2 MLP over (N,1,4,4) images (three layers with parameters).
   *
   * @param m manager
   * @return the model
   */
  static BlockModel mlp(NDManager m) {
    m.getEngine().setRandomSeed(3);
    SequentialBlock block =
        new SequentialBlock()
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(8).build())
            .add(Activation.reluBlock())
            .add(Linear.builder().setUnits(8).build())
            .add(Activation.reluBlock())
            .add(Linear.builder().setUnits(2).build());
    block.setInitializer(new NormalInitializer(0.5f), ai.djl.nn.Parameter.Type.WEIGHT);
    block.initialize(m, DataType.FLOAT32, new Shape(1, 1, 4, 4));
    return BlockModel.of(block, m);
  }

  /**
   * A (N,1,4,4) batch from row-major pixel values.
   *
   * @param m manager
   * @param images one 16-value image per sample
   * @return the batch
   */
  static NDArray images(NDManager m, float[]... images) {
    float[] flat = new float[16 * images.length];
    for (int i = 0; i < images.length; i++) {
      System.arraycopy(images[i], 0, flat, 16 * i, 16);
    }
    return m.create(flat, new Shape(images.length, 1, 4, 4));
  }

  /**
   * A (N,4,4) batch of maps or masks.
   *
   * @param m manager
   * @param maps one 16-value map per sample, row-major
   * @return the batch
   */
  static NDArray maps(NDManager m, float[]... maps) {
    float[] flat = new float[16 * maps.length];
    for (int i = 0; i < maps.length; i++) {
      System.arraycopy(maps[i], 0, flat, 16 * i, 16);
    }
    return m.create(flat, new Shape(maps.length, 4, 4));
  }
}
