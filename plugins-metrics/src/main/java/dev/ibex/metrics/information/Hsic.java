package dev.ibex.metrics.information;

/**
 * The Hilbert-Schmidt independence criterion with linear kernels over a batch (Gretton et al.,
 * "Measuring Statistical Dependence with Hilbert-Schmidt Norms", ALT 2005), as S-IB's regulariser
 * computes it: rows are L2-normalised (a zero row stays zero), {@code K = A Aᵀ}, {@code L = B Bᵀ},
 * {@code HSIC = tr(K H L H) / (B − 1)²} with {@code H = I − 11ᵀ/B}. The normalised form divides by
 * {@code sqrt(HSIC(A,A)·HSIC(B,B))} (centred kernel alignment, in [0, 1]), 0 when either is 0.
 */
final class Hsic {
  private Hsic() {}

  static double hsic(double[][] a, double[][] b) {
    int n = a.length;
    double[][] k = centredGram(normalised(a));
    double[][] l = centredGram(normalised(b));
    double tr = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        tr += k[i][j] * l[j][i];
      }
    }
    return tr / ((n - 1.0) * (n - 1.0));
  }

  static double normalisedHsic(double[][] a, double[][] b) {
    double den = Math.sqrt(hsic(a, a) * hsic(b, b));
    return den > 0 ? hsic(a, b) / den : 0;
  }

  private static double[][] normalised(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      double s = 0;
      for (double v : a[i]) {
        s += v * v;
      }
      double norm = Math.sqrt(s);
      out[i] = a[i].clone();
      if (norm > 0) {
        for (int j = 0; j < out[i].length; j++) {
          out[i][j] /= norm;
        }
      }
    }
    return out;
  }

  /** H K H for the linear kernel K = A Aᵀ. */
  private static double[][] centredGram(double[][] a) {
    int n = a.length;
    double[][] k = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int d = 0; d < a[i].length; d++) {
          s += a[i][d] * a[j][d];
        }
        k[i][j] = s;
      }
    }
    double[] row = new double[n];
    double all = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        row[i] += k[i][j] / n;
      }
      all += row[i] / n;
    }
    double[][] c = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        c[i][j] = k[i][j] - row[i] - row[j] + all;
      }
    }
    return c;
  }
}
