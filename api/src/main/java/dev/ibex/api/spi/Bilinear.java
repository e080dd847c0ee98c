package dev.ibex.api.spi;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Bilinear resizing of the last two axes as two small interpolation matrices, {@code R_h · x ·
 * R_wᵀ}: exact (the same weights as PyTorch's {@code F.interpolate(mode="bilinear")}, no
 * anti-aliasing), batched over the leading axes and on whatever device {@code x} is on.
 */
public final class Bilinear {
  private Bilinear() {}

  /**
   * The (out × in) matrix that resamples a line of {@code in} values to {@code out} values.
   *
   * <p>{@code alignCorners=false} (PyTorch's default, and OpenCV's {@code INTER_LINEAR}): pixel
   * centres are matched, source {@code = (dst + 0.5)·in/out − 0.5}, clamped at 0 on the left and
   * repeated at the right edge. {@code alignCorners=true} ({@code nn.UpsamplingBilinear2d}): the
   * end points are matched, source {@code = dst·(in − 1)/(out − 1)}.
   *
   * @param in source length
   * @param out target length
   * @param alignCorners the convention
   * @return row-major weights, each row summing to 1
   */
  public static double[][] matrix(int in, int out, boolean alignCorners) {
    checkArgument(in > 0 && out > 0, "lengths must be positive: %s -> %s", in, out);
    double[][] m = new double[out][in];
    double scale = alignCorners ? (out > 1 ? (in - 1) / (double) (out - 1) : 0) : in / (double) out;
    for (int d = 0; d < out; d++) {
      double src = alignCorners ? d * scale : Math.max(0, (d + 0.5) * scale - 0.5);
      int i0 = Math.min((int) Math.floor(src), in - 1);
      int i1 = Math.min(i0 + 1, in - 1);
      double l1 = Math.min(src - i0, 1.0);
      m[d][i0] += 1 - l1;
      m[d][i1] += l1;
    }
    return m;
  }

  /**
   * Resizes the last two axes of {@code x} to {@code (outH, outW)}.
   *
   * @param x an array of rank ≥ 2, e.g. (N, h, w) or (N, C, h, w)
   * @param outH target height
   * @param outW target width
   * @param alignCorners the convention (see {@link #matrix})
   * @return the resized array, on x's manager
   */
  public static NDArray resize(NDArray x, int outH, int outW, boolean alignCorners) {
    Shape s = x.getShape();
    int rank = s.dimension();
    checkArgument(rank >= 2, "need at least 2 axes, got %s", s);
    int h = (int) s.get(rank - 2);
    int w = (int) s.get(rank - 1);
    NDArray rows = asArray(x, matrix(h, outH, alignCorners));
    NDArray colsT = asArray(x, matrix(w, outW, alignCorners)).transpose();
    NDArray flat = x.reshape(-1, h, w);
    NDArray out = rows.matMul(flat).matMul(colsT);
    return out.reshape(s.slice(0, rank - 2).addAll(new Shape(outH, outW)));
  }

  /**
   * A weight matrix as an array on the manager, device and data type of {@code like}.
   *
   * @param like an array whose manager, device and type to use
   * @param m the matrix
   * @return the array
   */
  public static NDArray asArray(NDArray like, double[][] m) {
    int r = m.length;
    int c = m[0].length;
    // doubles cast to like's type: float64 maps get unrounded weights
    double[] flat = new double[r * c];
    for (int i = 0; i < r; i++) {
      System.arraycopy(m[i], 0, flat, i * c, c);
    }
    return like.getManager()
        .create(flat, new Shape(r, c))
        .toDevice(like.getDevice(), false)
        .toType(like.getDataType(), false);
  }
}
