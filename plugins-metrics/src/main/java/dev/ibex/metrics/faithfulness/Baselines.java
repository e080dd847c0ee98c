package dev.ibex.metrics.faithfulness;

import dev.ibex.metrics.core.ImageBatch;

/** Images that removed pixels are replaced with: a constant, or a Gaussian blur of the image. */
final class Baselines {
  private Baselines() {}

  static float[] constant(ImageBatch x, double value) {
    float[] b = new float[x.rowSize()];
    java.util.Arrays.fill(b, (float) value);
    return b;
  }

  /**
   * A Gaussian blur of one image, per channel, with a normalised {@code kernel × kernel} kernel of
   * the given sigma and zero padding (as RISE's {@code conv2d(x, gkern(11, 5), padding=5)}).
   */
  static float[] blur(ImageBatch x, int sample, int kernel, double sigma) {
    double[] g = new double[kernel];
    double sum = 0;
    int half = kernel / 2;
    for (int i = 0; i < kernel; i++) {
      g[i] = Math.exp(-((i - half) * (i - half)) / (2 * sigma * sigma));
      sum += g[i];
    }
    for (int i = 0; i < kernel; i++) {
      g[i] /= sum;
    }
    int h = x.height();
    int w = x.width();
    float[] src = x.pixels()[sample];
    float[] out = new float[src.length];
    double[] tmp = new double[h * w];
    for (int c = 0; c < x.channels(); c++) {
      int off = c * h * w;
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          double acc = 0;
          for (int t = 0; t < kernel; t++) {
            int q = xx + t - half;
            if (q >= 0 && q < w) {
              acc += g[t] * src[off + y * w + q];
            }
          }
          tmp[y * w + xx] = acc;
        }
      }
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          double acc = 0;
          for (int t = 0; t < kernel; t++) {
            int q = y + t - half;
            if (q >= 0 && q < h) {
              acc += g[t] * tmp[q * w + xx];
            }
          }
          out[off + y * w + xx] = (float) acc;
        }
      }
    }
    return out;
  }
}
