package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Inputs;

/**
 * An (N, C, H, W) image batch copied to Java arrays, so that perturbations (pixels removed,
 * revealed, imputed, occluded) can be built row by row without holding them all as tensors.
 *
 * @param samples N
 * @param channels C
 * @param height H
 * @param width W
 * @param pixels per sample, C·H·W values in (C, H, W) row-major order
 */
public record ImageBatch(int samples, int channels, int height, int width, float[][] pixels) {

  /**
   * Copies an image batch.
   *
   * @param x (N, C, H, W), finite
   * @return the batch
   */
  public static ImageBatch of(NDArray x) {
    Inputs.requireImageBatch(x);
    Shape s = x.getShape();
    int n = (int) s.get(0);
    int c = (int) s.get(1);
    int h = (int) s.get(2);
    int w = (int) s.get(3);
    float[] flat = x.toType(DataType.FLOAT32, false).toFloatArray();
    float[][] px = new float[n][c * h * w];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * c * h * w, px[i], 0, c * h * w);
    }
    return new ImageBatch(n, c, h, w, px);
  }

  /**
   * @return pixels per channel (H·W)
   */
  public int area() {
    return height * width;
  }

  /**
   * @return values per sample (C·H·W)
   */
  public int rowSize() {
    return channels * height * width;
  }

  /**
   * @return the shape of one sample (C, H, W)
   */
  public Shape sampleShape() {
    return new Shape(channels, height, width);
  }

  /**
   * Stacks rows into a tensor.
   *
   * @param manager where to create it
   * @param rows rows of {@link #rowSize()} values
   * @return (rows, C, H, W)
   */
  public NDArray stack(NDManager manager, float[][] rows) {
    float[] flat = new float[rows.length * rowSize()];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * rowSize(), rowSize());
    }
    return manager.create(flat, new Shape(rows.length, channels, height, width));
  }
}
