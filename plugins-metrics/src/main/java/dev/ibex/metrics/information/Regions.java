package dev.ibex.metrics.information;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Inputs;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.MetricInput;
import dev.ibex.api.options.OptionSpec;
import dev.ibex.api.spi.Hsic;
import dev.ibex.api.spi.MetricContext;
import dev.ibex.api.spi.SpatialMaps;
import dev.ibex.metrics.core.Masks;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The foreground/background split of S-IB (Shu et al. 2025, §3): inputs X (N,C,H,W) and
 * attributions R ((N,C,H,W) or (N,H,W)) masked by the ground-truth mask M (foreground, {@code X ⊙
 * M}) or by {@code 1 − M} (background), each flattened to one row per sample. The mask is broadcast
 * over channels.
 */
final class Regions {
  final double[][] xFg;
  final double[][] xBg;
  final double[][] rFg;
  final double[][] rBg;

  private Regions(double[][] xFg, double[][] xBg, double[][] rFg, double[][] rBg) {
    this.xFg = xFg;
    this.xBg = xBg;
    this.rFg = rFg;
    this.rBg = rBg;
  }

  /** The parts a region metric reads. */
  static final Set<MetricInput.Part> NEEDS =
      EnumSet.of(MetricInput.Part.INPUTS, MetricInput.Part.ATTRIBUTIONS, MetricInput.Part.MASKS);

  /**
   * The {@code statistic} option: normalised HSIC (centred kernel alignment) or the raw HSIC.
   *
   * @param defaultValue {@code cka} or {@code hsic}
   * @return the spec
   */
  static OptionSpec statistic(String defaultValue) {
    return OptionSpec.choice(
        "statistic",
        defaultValue,
        List.of("cka", "hsic"),
        "cka: normalised HSIC (centred kernel alignment, in [0, 1]); hsic: the raw HSIC");
  }

  /**
   * The dependence of two regions over the batch, with the kit's {@link Hsic} in float64.
   *
   * @param ctx the call (its scratch manager and {@code statistic} option)
   * @param a (N, D) one region
   * @param b (N, E) the other
   * @return HSIC or CKA
   */
  static double dependence(MetricContext ctx, double[][] a, double[][] b) {
    try (NDManager m = ctx.scratch().newSubManager()) {
      NDArray x = rows(m, a);
      NDArray y = rows(m, b);
      return ctx.options().getString("statistic").equals("cka")
          ? Hsic.normalised(x, y)
          : Hsic.value(Hsic.linear(x, y));
    }
  }

  private static NDArray rows(NDManager m, double[][] a) {
    int d = a[0].length;
    double[] flat = new double[a.length * d];
    for (int i = 0; i < a.length; i++) {
      System.arraycopy(a[i], 0, flat, i * d, d);
    }
    return m.create(flat, new Shape(a.length, d));
  }

  static Regions of(MetricContext ctx) {
    NDArray x = ctx.inputs();
    NDArray r = ctx.attributions();
    Inputs.requireImageBatch(x);
    Inputs.requireFinite(r, "attributions");
    int n = (int) x.getShape().get(0);
    if (n < 2) {
      throw new InvalidInputException(
          ctx.metric()
              + " is a dependence over the batch (HSIC) and needs at least 2 samples, got "
              + n);
    }
    int h = (int) x.getShape().get(2);
    int w = (int) x.getShape().get(3);
    boolean[][] m = Masks.of(ctx.masks(), new SpatialMaps(n, h, w, new double[n][]));
    if (r.getShape().get(0) != n
        || r.getShape().get(r.getShape().dimension() - 1) != w
        || r.getShape().get(r.getShape().dimension() - 2) != h) {
      throw new InvalidInputException(
          ctx.metric()
              + ": attributions "
              + r.getShape()
              + " do not match the input "
              + x.getShape());
    }
    double[][][] xs = split(x, m, h * w);
    double[][][] rs = split(r, m, h * w);
    return new Regions(xs[0], xs[1], rs[0], rs[1]);
  }

  private static double[][][] split(NDArray a, boolean[][] m, int area) {
    int n = m.length;
    float[] flat = a.toType(DataType.FLOAT32, false).toFloatArray();
    int per = flat.length / n;
    double[][] fg = new double[n][per];
    double[][] bg = new double[n][per];
    for (int i = 0; i < n; i++) {
      for (int e = 0; e < per; e++) {
        double v = flat[i * per + e];
        boolean in = m[i][e % area];
        fg[i][e] = in ? v : 0;
        bg[i][e] = in ? 0 : v;
      }
    }
    return new double[][][] {fg, bg};
  }
}
