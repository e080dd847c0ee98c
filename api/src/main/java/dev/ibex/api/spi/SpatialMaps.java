package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Inputs;
import dev.ibex.api.InvalidInputException;

/**
 * One map per sample, flattened row-major: (N, H, W) attributions as they are, (N, C, H, W) reduced
 * over channels, (N, L) token maps as H = 1, W = L.
 *
 * @param samples N
 * @param height H
 * @param width W
 * @param values per sample, H·W values in row-major order
 */
public record SpatialMaps(int samples, int height, int width, double[][] values) {

  /**
   * @return pixels per map (H·W)
   */
  public int size() {
    return height * width;
  }

  /**
   * Reads attributions into maps.
   *
   * @param attributions (N,H,W), (N,C,H,W) or (N,L)
   * @param reduction {@code sum}, {@code abs-sum}, {@code mean} or {@code max-abs} over channels
   * @return the maps
   * @throws InvalidInputException on another rank or non-finite values
   */
  public static SpatialMaps of(NDArray attributions, String reduction) {
    Inputs.requireFinite(attributions, "attributions");
    Shape s = attributions.getShape();
    float[] flat = attributions.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    int n = (int) s.get(0);
    switch (s.dimension()) {
      case 2:
        return copy(flat, n, 1, (int) s.get(1));
      case 3:
        return copy(flat, n, (int) s.get(1), (int) s.get(2));
      case 4:
        return reduce(flat, n, (int) s.get(1), (int) s.get(2), (int) s.get(3), reduction);
      default:
        throw new InvalidInputException(
            "attributions must be (N,H,W), (N,C,H,W) or (N,L), got " + s);
    }
  }

  private static SpatialMaps copy(float[] flat, int n, int h, int w) {
    double[][] v = new double[n][h * w];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < h * w; p++) {
        v[i][p] = flat[i * h * w + p];
      }
    }
    return new SpatialMaps(n, h, w, v);
  }

  private static SpatialMaps reduce(float[] flat, int n, int c, int h, int w, String reduction) {
    int hw = h * w;
    double[][] v = new double[n][hw];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < hw; p++) {
        double acc = 0;
        for (int ch = 0; ch < c; ch++) {
          double a = flat[(i * c + ch) * hw + p];
          switch (reduction) {
            case "abs-sum":
              acc += Math.abs(a);
              break;
            case "max-abs":
              acc = Math.max(acc, Math.abs(a));
              break;
            default:
              acc += a;
          }
        }
        v[i][p] = reduction.equals("mean") ? acc / c : acc;
      }
    }
    return new SpatialMaps(n, h, w, v);
  }
}
