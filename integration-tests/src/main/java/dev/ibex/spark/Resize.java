package dev.ibex.spark;

/**
 * Bilinear resizing of a (C, H, W) float image with half-pixel centres, as PyTorch's {@code
 * F.interpolate(x, size, mode="bilinear", align_corners=False)} without antialiasing: a
 * pre-processing step any Python pipeline can reproduce.
 */
final class Resize {
  private Resize() {}

  /**
   * Resizes every channel.
   *
   * @param chw the image, channel-major
   * @param channels C
   * @param height H
   * @param width W
   * @param toHeight the new height
   * @param toWidth the new width
   * @return the (C, toHeight, toWidth) image; {@code chw} itself when the size is unchanged
   */
  static float[] bilinear(
      float[] chw, int channels, int height, int width, int toHeight, int toWidth) {
    if (height == toHeight && width == toWidth) {
      return chw;
    }
    int[] y0 = new int[toHeight];
    int[] y1 = new int[toHeight];
    float[] wy = new float[toHeight];
    sourceIndices(height, toHeight, y0, y1, wy);
    int[] x0 = new int[toWidth];
    int[] x1 = new int[toWidth];
    float[] wx = new float[toWidth];
    sourceIndices(width, toWidth, x0, x1, wx);
    float[] out = new float[channels * toHeight * toWidth];
    for (int c = 0; c < channels; c++) {
      int in = c * height * width;
      int o = c * toHeight * toWidth;
      for (int y = 0; y < toHeight; y++) {
        int r0 = in + y0[y] * width;
        int r1 = in + y1[y] * width;
        float ly = wy[y];
        for (int x = 0; x < toWidth; x++) {
          float lx = wx[x];
          float top = (1 - lx) * chw[r0 + x0[x]] + lx * chw[r0 + x1[x]];
          float bottom = (1 - lx) * chw[r1 + x0[x]] + lx * chw[r1 + x1[x]];
          out[o + y * toWidth + x] = (1 - ly) * top + ly * bottom;
        }
      }
    }
    return out;
  }

  /** For each output index: the two source indices and the weight of the second. */
  private static void sourceIndices(int in, int out, int[] i0, int[] i1, float[] weight) {
    float scale = (float) in / out;
    for (int d = 0; d < out; d++) {
      float src = Math.max(0f, (d + 0.5f) * scale - 0.5f);
      int lo = Math.min((int) src, in - 1);
      i0[d] = lo;
      i1[d] = Math.min(lo + 1, in - 1);
      weight[d] = src - lo;
    }
  }
}
