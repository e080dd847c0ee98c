package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Gaussian noise drawn from a seeded Java generator rather than the engine's: the same values on
 * every device and engine, whatever else reseeded or drew from the engine's global generator.
 */
public final class SeededNoise {
  private SeededNoise() {}

  /**
   * Draws from a generator the caller keeps (a method that draws again on every step).
   *
   * @param manager where the array goes
   * @param shape its shape
   * @param random the generator, advanced by one draw per element
   * @param scale multiplies every draw
   * @return float32 values of N(0, scale²)
   */
  public static NDArray gaussian(NDManager manager, Shape shape, Random random, float scale) {
    float[] v = new float[(int) shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian() * scale;
    }
    return manager.create(v, shape);
  }

  /**
   * Standard normal values of a seed.
   *
   * @param manager where the array goes
   * @param seed the seed
   * @param shape the shape
   * @return float32 values of N(0, 1)
   */
  public static NDArray standardNormal(NDManager manager, long seed, Shape shape) {
    return gaussian(manager, shape, new Random(seed), 1f);
  }
}
