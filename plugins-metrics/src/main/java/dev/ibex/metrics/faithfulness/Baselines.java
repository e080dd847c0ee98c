package dev.ibex.metrics.faithfulness;

import dev.ibex.api.spi.ImageBatch;

/** Images that removed pixels are replaced with: a constant, or a Gaussian blur of the image. */
final class Baselines {
  private Baselines() {}

  /**
   * The number of a constant baseline option: {@code zeros} or a number.
   *
   * @param value the {@code baseline} option's value
   * @param metric the metric's name, for the message
   * @return the constant
   * @throws dev.ibex.api.InvalidOptionException for anything else
   */
  static double constantOf(Object value, String metric) {
    if (value instanceof Number) {
      return ((Number) value).doubleValue();
    }
    if ("zeros".equals(value)) {
      return 0;
    }
    throw new dev.ibex.api.InvalidOptionException(
        "option 'baseline' of "
            + metric
            + " must be zeros, a number"
            + (metric.equals("faithfulness-correlation") ? "" : " or blur")
            + ", got '"
            + value
            + "'");
  }

  static float[] constant(ImageBatch x, double value) {
    float[] b = new float[x.rowSize()];
    java.util.Arrays.fill(b, (float) value);
    return b;
  }

  /**
   * A Gaussian blur of one image, per channel, with zero padding, by RISE's kernel: {@code
   * gkern(klen, nsig)} is {@code scipy.ndimage.gaussian_filter} (mode {@code reflect}, truncate 4σ)
   * applied to a centred delta of side {@code kernel}, i.e. the outer product of a 1-D Gaussian
   * whose tails beyond the kernel are folded back in; RISE convolves with it at {@code padding =
   * kernel/2}. When the kernel spans ±4σ this is the plain sampled, normalised Gaussian.
   *
   * <p>Not the kit's {@link dev.ibex.api.spi.GaussianBlur} (radius ⌈3σ⌉, renormalised at the
   * borders so a constant image stays constant): RISE's insertion reference blurs with a fixed
   * kernel side and zero padding, which darkens the borders, and the parity test holds this metric
   * to RISE's numbers.
   */
  static float[] blur(ImageBatch x, int sample, int kernel, double sigma) {
    double[] g = riseKernel(kernel, sigma);
    int h = x.height();
    int w = x.width();
    float[] src = x.pixels()[sample];
    float[] out = new float[src.length];
    double[] plane = new double[h * w];
    for (int c = 0; c < x.channels(); c++) {
      int off = c * h * w;
      for (int p = 0; p < plane.length; p++) {
        plane[p] = src[off + p];
      }
      // the kernel is separable: along the rows, then along the columns
      double[] blurred = convolve(convolve(plane, h, w, g, true), h, w, g, false);
      for (int p = 0; p < plane.length; p++) {
        out[off + p] = (float) blurred[p];
      }
    }
    return out;
  }

  /**
   * One 1-D pass of a kernel over an (H, W) plane, centred, with zero padding.
   *
   * @param alongRows true: along each row (x); false: along each column (y)
   */
  private static double[] convolve(double[] in, int h, int w, double[] g, boolean alongRows) {
    int half = g.length / 2;
    double[] out = new double[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double acc = 0;
        for (int t = 0; t < g.length; t++) {
          int q = (alongRows ? x : y) + t - half;
          if (q >= 0 && q < (alongRows ? w : h)) {
            acc += g[t] * (alongRows ? in[y * w + q] : in[q * w + x]);
          }
        }
        out[y * w + x] = acc;
      }
    }
    return out;
  }

  /**
   * The 1-D factor of RISE's {@code gkern}: a Gaussian filter (reflect mode) of a centred delta.
   */
  static double[] riseKernel(int kernel, double sigma) {
    int r = (int) (4.0 * sigma + 0.5);
    double[] w = new double[2 * r + 1];
    double sum = 0;
    for (int j = -r; j <= r; j++) {
      w[j + r] = Math.exp(-0.5 * j * j / (sigma * sigma));
      sum += w[j + r];
    }
    double[] g = new double[kernel];
    int centre = kernel / 2;
    for (int i = 0; i < kernel; i++) {
      for (int j = -r; j <= r; j++) {
        if (reflect(i + j, kernel) == centre) {
          g[i] += w[j + r] / sum;
        }
      }
    }
    return g;
  }

  /** scipy's "reflect" extension (half-sample symmetric: d c b a | a b c d | d c b a). */
  private static int reflect(int m, int n) {
    int p = Math.floorMod(m, 2 * n);
    return p < n ? p : 2 * n - 1 - p;
  }
}
