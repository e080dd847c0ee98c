package dev.ibex.metrics.faithfulness;

import java.util.Random;

/**
 * ROAD's noisy linear imputation (Rong et al., "A Consistent and Efficient Evaluation Strategy for
 * Attribution Methods", ICML 2022, §4): every removed pixel takes the weighted mean of its 8
 * neighbours (weight 1/6 for the 4 direct ones, 1/12 for the diagonals, only neighbours inside the
 * image), per channel, which is one sparse symmetric positive-definite system for all removed
 * pixels at once (solved here by conjugate gradients); then Gaussian noise of standard deviation
 * {@code noise} is added to the imputed values. A linear ramp is imputed exactly.
 */
final class NoisyLinearImputer {
  private static final int[] DY = {-1, -1, -1, 0, 0, 1, 1, 1};
  private static final int[] DX = {-1, 0, 1, -1, 1, -1, 0, 1};
  private static final double[] W = {
    1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 6.0, 1 / 6.0, 1 / 12.0, 1 / 6.0, 1 / 12.0
  };

  private NoisyLinearImputer() {}

  /**
   * @param image (C, H, W) row-major
   * @param channels C
   * @param h H
   * @param w W
   * @param removed per pixel (H·W), whether it is removed
   * @param noise standard deviation of the added noise
   * @param rnd the noise source
   * @return the imputed image
   */
  static float[] impute(
      float[] image, int channels, int h, int w, boolean[] removed, double noise, Random rnd) {
    int area = h * w;
    int[] slot = new int[area];
    int u = 0;
    for (int p = 0; p < area; p++) {
      slot[p] = removed[p] ? u++ : -1;
    }
    int[] pix = new int[u];
    for (int p = 0; p < area; p++) {
      if (slot[p] >= 0) {
        pix[slot[p]] = p;
      }
    }
    int[][] nb = neighbours(pix, h, w);
    double[] diag = new double[u];
    for (int k = 0; k < u; k++) {
      for (int d = 0; d < 8; d++) {
        if (nb[k][d] >= 0) {
          diag[k] += W[d];
        }
      }
    }
    float[] out = image.clone();
    for (int c = 0; c < channels; c++) {
      int off = c * area;
      double[] b = new double[u];
      for (int k = 0; k < u; k++) {
        for (int d = 0; d < 8; d++) {
          int q = nb[k][d];
          if (q >= 0 && slot[q] < 0) {
            b[k] += W[d] * image[off + q];
          }
        }
      }
      double[] sol = conjugateGradient(b, diag, nb, slot);
      for (int k = 0; k < u; k++) {
        out[off + pix[k]] = (float) (sol[k] + (noise > 0 ? noise * rnd.nextGaussian() : 0));
      }
    }
    return out;
  }

  /**
   * The 8 neighbours of every removed pixel, in the order of {@link #W}: their pixel indices, -1
   * where a neighbour lies outside the image. Computed once: the solver visits them every
   * iteration.
   */
  private static int[][] neighbours(int[] pix, int h, int w) {
    int[][] nb = new int[pix.length][8];
    for (int k = 0; k < pix.length; k++) {
      int y = pix[k] / w;
      int x = pix[k] % w;
      for (int d = 0; d < 8; d++) {
        int yy = y + DY[d];
        int xx = x + DX[d];
        nb[k][d] = yy >= 0 && yy < h && xx >= 0 && xx < w ? yy * w + xx : -1;
      }
    }
    return nb;
  }

  /** The system's matrix times v: each unknown's weight sum minus its removed neighbours. */
  private static double[] apply(double[] v, double[] diag, int[][] nb, int[] slot) {
    double[] r = new double[v.length];
    for (int k = 0; k < v.length; k++) {
      double acc = diag[k] * v[k];
      for (int d = 0; d < 8; d++) {
        int q = nb[k][d];
        if (q >= 0 && slot[q] >= 0) {
          acc -= W[d] * v[slot[q]];
        }
      }
      r[k] = acc;
    }
    return r;
  }

  private static double[] conjugateGradient(double[] b, double[] diag, int[][] nb, int[] slot) {
    int n = b.length;
    double[] x = new double[n];
    double[] r = b.clone();
    double[] p = r.clone();
    double rr = dot(r, r);
    double stop = 1e-20 * Math.max(1, dot(b, b));
    for (int it = 0; it < 10 * n + 10 && rr > stop; it++) {
      double[] ap = apply(p, diag, nb, slot);
      double alpha = rr / dot(p, ap);
      for (int i = 0; i < n; i++) {
        x[i] += alpha * p[i];
        r[i] -= alpha * ap[i];
      }
      double next = dot(r, r);
      for (int i = 0; i < n; i++) {
        p[i] = r[i] + next / rr * p[i];
      }
      rr = next;
    }
    return x;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
