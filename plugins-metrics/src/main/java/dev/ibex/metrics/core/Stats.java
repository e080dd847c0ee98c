package dev.ibex.metrics.core;

import java.util.Arrays;

/**
 * Small statistics on double arrays, with the degenerate cases (zero variance, all-zero mass)
 * defined rather than NaN: a metric must never turn a constant map into NaN.
 */
public final class Stats {
  private Stats() {}

  /**
   * Area under a curve sampled at equally spaced points of [0, 1], endpoints included (trapezoid
   * rule, as RISE's {@code auc}).
   *
   * @param curve at least two points
   * @return the area
   */
  public static double trapezoid(double[] curve) {
    int n = curve.length;
    double sum = 0;
    for (double v : curve) {
      sum += v;
    }
    return (sum - curve[0] / 2 - curve[n - 1] / 2) / (n - 1);
  }

  /**
   * Pearson correlation; 0 when either side has zero variance (no linear relation can be seen).
   *
   * @param a values
   * @param b values of the same length
   * @return the correlation in [-1, 1]
   */
  public static double pearson(double[] a, double[] b) {
    int n = a.length;
    double ma = mean(a);
    double mb = mean(b);
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < n; i++) {
      double da = a[i] - ma;
      double db = b[i] - mb;
      sab += da * db;
      saa += da * da;
      sbb += db * db;
    }
    if (saa <= 0 || sbb <= 0) {
      return 0;
    }
    return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
  }

  /**
   * Spearman rank correlation: Pearson correlation of average ranks (ties share their mean rank, as
   * {@code scipy.stats.spearmanr}); 0 when either side is constant.
   *
   * @param a values
   * @param b values of the same length
   * @return the correlation in [-1, 1]
   */
  public static double spearman(double[] a, double[] b) {
    return pearson(ranks(a), ranks(b));
  }

  /**
   * Average ranks, 1-based; tied values share the mean of their ranks.
   *
   * @param v values
   * @return ranks
   */
  public static double[] ranks(double[] v) {
    int n = v.length;
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (x, y) -> Double.compare(v[x], v[y]));
    double[] r = new double[n];
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && v[idx[j + 1]] == v[idx[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        r[idx[k]] = rank;
      }
      i = j + 1;
    }
    return r;
  }

  /**
   * @param v floats
   * @return the same values as doubles
   */
  public static double[] toDoubles(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  /**
   * @param v values
   * @return their mean
   */
  public static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /**
   * The q-quantile with linear interpolation between order statistics ({@code numpy.quantile}'s
   * default).
   *
   * @param v values
   * @param q in [0, 1]
   * @return the quantile
   */
  public static double quantile(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    double pos = q * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }

  /**
   * Per-map min-max normalisation to [0, 1]; a constant map becomes all zeros (never NaN).
   *
   * @param v a map
   * @return the normalised copy
   */
  public static double[] minMax(double[] v) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    double[] out = new double[v.length];
    if (hi > lo) {
      for (int i = 0; i < v.length; i++) {
        out[i] = (v[i] - lo) / (hi - lo);
      }
    }
    return out;
  }

  /**
   * Cosine similarity; 1 when both vectors are zero (identical), 0 when exactly one is.
   *
   * @param a vector
   * @param b vector of the same length
   * @return the cosine
   */
  public static double cosine(double[] a, double[] b) {
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += a[i] * b[i];
      aa += a[i] * a[i];
      bb += b[i] * b[i];
    }
    if (aa == 0 && bb == 0) {
      return 1;
    }
    if (aa == 0 || bb == 0) {
      return 0;
    }
    return ab / Math.sqrt(aa * bb);
  }
}
