package dev.ibex.metrics.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.spi.SpatialMaps;

/** Binary ground-truth masks read and checked against the maps they are compared with. */
public final class Masks {
  private Masks() {}

  /**
   * Reads (N,H,W) or (N,1,H,W) masks of 0/1 values.
   *
   * @param masks the masks
   * @param maps the maps they belong to (sample count and H, W must agree)
   * @return per sample, H·W booleans in row-major order
   * @throws InvalidInputException on a shape mismatch or a value other than 0 or 1
   */
  public static boolean[][] of(NDArray masks, SpatialMaps maps) {
    Shape s = masks.getShape();
    boolean rank3 = s.dimension() == 3;
    boolean rank4 = s.dimension() == 4 && s.get(1) == 1;
    if (!rank3 && !rank4) {
      throw new InvalidInputException("masks must be (N,H,W) or (N,1,H,W), got " + s);
    }
    long h = s.get(s.dimension() - 2);
    long w = s.get(s.dimension() - 1);
    if (s.get(0) != maps.samples() || h != maps.height() || w != maps.width()) {
      throw new InvalidInputException(
          "masks "
              + s
              + " do not match the maps ("
              + maps.samples()
              + ", "
              + maps.height()
              + ", "
              + maps.width()
              + ")");
    }
    float[] flat = masks.toType(DataType.FLOAT32, false).toFloatArray();
    int hw = maps.size();
    boolean[][] out = new boolean[maps.samples()][hw];
    for (int i = 0; i < maps.samples(); i++) {
      for (int p = 0; p < hw; p++) {
        float v = flat[i * hw + p];
        if (v != 0f && v != 1f) {
          throw new InvalidInputException(
              "masks must be binary (0 or 1); sample " + i + " has " + v + " at pixel " + p);
        }
        out[i][p] = v == 1f;
      }
    }
    return out;
  }

  /**
   * @param mask one mask
   * @return number of pixels inside
   */
  public static int count(boolean[] mask) {
    int k = 0;
    for (boolean b : mask) {
      if (b) {
        k++;
      }
    }
    return k;
  }
}
