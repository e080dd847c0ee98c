package dev.ibex.attribution.gradient;

import dev.ibex.api.InvalidOptionException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Quadrature rules for the path integral of integrated gradients, with Captum's conventions ({@code
 * captum/attr/_utils/approximation_methods.py}): nodes α ∈ [0, 1] along the path from the baseline
 * (α = 0) to the input (α = 1) and step weights that sum to one.
 *
 * <ul>
 *   <li>{@code riemann_left}: α = linspace(0, 1 − 1/n, n), weights 1/n.
 *   <li>{@code riemann_right}: α = linspace(1/n, 1, n), weights 1/n.
 *   <li>{@code riemann_middle}: α = linspace(1/(2n), 1 − 1/(2n), n), weights 1/n.
 *   <li>{@code riemann_trapezoid}: α = linspace(0, 1, n), weights 1/n except 1/(2n) at both ends
 *       (as Captum; these weights sum to 1 − 1/n, not 1).
 *   <li>{@code gausslegendre}: the n-point Gauss–Legendre rule mapped from [−1, 1] to [0, 1]: α =
 *       (1 + x)/2, weights w/2.
 * </ul>
 *
 * Riemann rules need n ≥ 2 (Captum asserts it); Gauss–Legendre needs n ≥ 1.
 */
public enum Quadrature {
  /** Left Riemann sum. */
  RIEMANN_LEFT,
  /** Right Riemann sum (includes the input itself, α = 1). */
  RIEMANN_RIGHT,
  /** Midpoint Riemann sum. */
  RIEMANN_MIDDLE,
  /** Captum's trapezoid rule. */
  RIEMANN_TRAPEZOID,
  /** Gauss–Legendre rule (Captum's default). */
  GAUSSLEGENDRE;

  /**
   * @return the option value, e.g. {@code riemann_right}
   */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @param name an option value such as {@code riemann_trapezoid}
   * @return the rule
   */
  public static Quadrature of(String name) {
    for (Quadrature q : values()) {
      if (q.optionName().equals(name)) {
        return q;
      }
    }
    throw new InvalidOptionException("unknown quadrature '" + name + "'");
  }

  /**
   * The rule's nodes and weights for n steps.
   *
   * @param n number of steps
   * @return {@code [alphas, weights]}
   * @throws InvalidOptionException if n is too small for the rule
   */
  public double[][] rule(int n) {
    if (this == GAUSSLEGENDRE) {
      if (n < 1) {
        throw new InvalidOptionException("gausslegendre needs steps >= 1, got " + n);
      }
      return gaussLegendre(n);
    }
    if (n < 2) {
      throw new InvalidOptionException(optionName() + " needs steps >= 2 (as Captum), got " + n);
    }
    double[] w = new double[n];
    Arrays.fill(w, 1.0 / n);
    double start;
    double end;
    switch (this) {
      case RIEMANN_LEFT:
        start = 0;
        end = 1 - 1.0 / n;
        break;
      case RIEMANN_RIGHT:
        start = 1.0 / n;
        end = 1;
        break;
      case RIEMANN_MIDDLE:
        start = 1.0 / (2 * n);
        end = 1 - 1.0 / (2 * n);
        break;
      default:
        start = 0;
        end = 1;
        w[0] /= 2;
        w[n - 1] /= 2;
    }
    return new double[][] {linspace(start, end, n), w};
  }

  private static double[] linspace(double start, double end, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = start + (end - start) * i / (n - 1);
    }
    return a;
  }

  /** Gauss–Legendre nodes by Newton's method on P_n, ascending, mapped to [0, 1]. */
  private static double[][] gaussLegendre(int n) {
    double[] alpha = new double[n];
    double[] weight = new double[n];
    for (int i = 0; i < (n + 1) / 2; i++) {
      double x = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
      double dp = 0;
      for (int iter = 0; iter < 100; iter++) {
        double[] p = legendre(n, x);
        dp = p[1];
        double dx = p[0] / dp;
        x -= dx;
        if (Math.abs(dx) < 1e-16) {
          break;
        }
      }
      dp = legendre(n, x)[1];
      double w = 2 / ((1 - x * x) * dp * dp);
      // x is the i-th largest root; -x its mirror image
      alpha[n - 1 - i] = 0.5 * (1 + x);
      alpha[i] = 0.5 * (1 - x);
      weight[n - 1 - i] = 0.5 * w;
      weight[i] = 0.5 * w;
    }
    return new double[][] {alpha, weight};
  }

  /** P_n(x) and P_n'(x) by the three-term recurrence. */
  private static double[] legendre(int n, double x) {
    double p0 = 1;
    double p1 = x;
    if (n == 0) {
      return new double[] {1, 0};
    }
    for (int k = 2; k <= n; k++) {
      double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
      p0 = p1;
      p1 = p2;
    }
    double dp = n * (x * p1 - p0) / (x * x - 1);
    return new double[] {p1, dp};
  }
}
