package dev.ibex.training.sib;

import static dev.ibex.api.GraphConstants.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * The mask head reads its soft quantiles from a partial sort of the ranks their weights reach; on a
 * 56x56 float32 map (where that path is taken) it must equal the reference formulation, which sorts
 * every row in full (v twice, the normalised map once), in value and in gradient.
 */
class SoftMaskOrderStatisticsTest {
  private static final SoftMask HEAD = new SoftMask(0.05, 0.95, 0.8, 10, 31, 0.1);

  /** The reference script's formulation: full sorts, every weight. */
  private static NDArray referenceMask(NDArray r) {
    long n = r.getShape().get(0);
    long h = r.getShape().get(2);
    long w = r.getShape().get(3);
    NDArray v = r.mean(new int[] {1}).abs().reshape(n, h * w);
    NDArray lo = fullSoftQuantile(v, 0.05);
    NDArray hi = fullSoftQuantile(v, 0.95);
    NDArray normalised = v.sub(lo).div(hi.sub(lo).add(1e-8)).clip(0, 1);
    NDArray soft =
        Activation.sigmoid(
            normalised.sub(fullSoftQuantile(normalised, 0.8)).mul(scalar(normalised, 10)));
    NDArray density = HEAD.densityDirect(soft.reshape(n, 1, h, w)).reshape(n, h * w);
    return Activation.sigmoid(density.sub(fullSoftQuantile(density, 0.8)).mul(scalar(density, 10)))
        .reshape(n, 1, h, w);
  }

  private static NDArray fullSoftQuantile(NDArray v, double q) {
    int d = (int) v.getShape().get(1);
    double[] e = new double[d];
    double sum = 0;
    for (int i = 0; i < d; i++) {
      e[i] = Math.exp(-Math.abs(i - q * (d - 1)) / 0.1);
      sum += e[i];
    }
    for (int i = 0; i < d; i++) {
      e[i] /= sum;
    }
    NDArray wt = v.getManager().create(e).toType(v.getDataType(), false).reshape(1, d);
    return v.sort(1).mul(wt).sum(new int[] {1}, true);
  }

  @Test
  void partialSortsGiveTheFullSortsMaskAndGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      NDArray r0 = m.randomNormal(new Shape(6, 3, 56, 56));
      // a smooth blob on top of the noise, so the mask has structure
      NDArray blob = m.arange(56f).sub(20).square().neg().div(50).exp();
      r0 = r0.mul(0.1).add(blob.reshape(1, 1, 56, 1).mul(blob.reshape(1, 1, 1, 56)));
      assertThat(OrderStatistics.partial(56 * 56, 2498, 2989))
          .as("the fast path is taken")
          .isTrue();
      double[] mask = new double[2];
      NDArray[] grad = new NDArray[2];
      NDArray[] values = new NDArray[2];
      NDArray weights = m.randomUniform(0, 1, new Shape(6, 1, 56, 56));
      for (int k = 0; k < 2; k++) {
        NDArray r = r0.duplicate();
        r.setRequiresGradient(true);
        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
          NDArray out = k == 0 ? HEAD.mask(r) : referenceMask(r);
          values[k] = out.stopGradient();
          c.backward(out.mul(weights).sum());
        }
        grad[k] = r.getGradient().duplicate();
        mask[k] = values[k].sum().getFloat();
      }
      double valueGap = values[0].sub(values[1]).abs().max().getFloat();
      double gradScale = grad[1].abs().max().getFloat();
      double gradGap = grad[0].sub(grad[1]).abs().max().getFloat();
      assertThat(valueGap).as("mask, partial vs full sorts").isLessThan(1e-5);
      assertThat(gradScale).isGreaterThan(0);
      assertThat(gradGap).as("gradient, partial vs full sorts").isLessThan(1e-4 * gradScale);
    }
  }

  @Test
  void bandsOfRanksFromEitherEndAreTheFullSortsColumns() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray v = m.randomUniform(0, 1, new Shape(3, 400));
      NDArray sorted = v.sort(1);
      int[][] bands = {{0, 7}, {10, 30}, {380, 400}, {350, 371}, {0, 400}, {100, 300}};
      for (int[] b : bands) {
        NDArray got = OrderStatistics.ranks(v, b[0], b[1]);
        NDArray want = sorted.get(":, " + b[0] + ":" + b[1]);
        assertThat(got.getShape()).isEqualTo(want.getShape());
        assertThat(got.sub(want).abs().max().getFloat()).as("ranks %d..%d", b[0], b[1]).isZero();
      }
    }
  }

  @Test
  void float32WeightsReachOnlyAFewRanks() {
    QuantileWeights w = QuantileWeights.of(3136, 0.8, 0.1, DataType.FLOAT32);
    assertThat(w.to() - w.from()).isBetween(3, 40);
    assertThat(w.from()).isLessThanOrEqualTo(2508).isGreaterThan(2450);
    QuantileWeights exact = QuantileWeights.of(64, 0.8, 0.1, DataType.FLOAT64);
    assertThat(exact.to() - exact.from())
        .as("float64 keeps every weight of a short row")
        .isEqualTo(64);
  }
}
