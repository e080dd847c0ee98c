package dev.ibex.training.sib;

import static dev.ibex.api.GraphConstants.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import dev.ibex.api.options.Options;

/**
 * S-IB's differentiable mask head M = g(R): from the VJP map R (N, C, H, W) to a soft foreground
 * mask (N, 1, H, W) in (0, 1), as the reference training script builds it:
 *
 * <ol>
 *   <li>v = |mean over channels of R|;
 *   <li>robust normalisation with the soft 5% and 95% quantiles, clipped to [0, 1];
 *   <li>soft threshold s = sigmoid(k·(v − q₀.₈(v)));
 *   <li>density = average pooling of s (kernel 31, stride 1, padding 15, zeros counted), computed
 *       separably;
 *   <li>M = sigmoid(k·(density − q₀.₈(density))).
 * </ol>
 *
 * <p>The soft quantile of a sample sorts its values and takes the softmax-weighted sum with weights
 * softmax(−|i − q·(n−1)| / T) over the sorted index i: a smooth order statistic. Only the ranks
 * whose weight is non-zero in the array's type are read ({@link QuantileWeights}), by a partial
 * sort where that is cheaper ({@link OrderStatistics}): the same sum without its exact zero terms.
 *
 * @param lowQuantile the soft quantile that maps to 0 in the robust normalisation
 * @param highQuantile the soft quantile that maps to 1
 * @param thresholdQuantile the soft quantile used as threshold for saliency and density
 * @param sharpness the slope k of the soft thresholds
 * @param densityKernel the odd side of the density's averaging window
 * @param temperature the temperature T of the soft quantile
 */
record SoftMask(
    double lowQuantile,
    double highQuantile,
    double thresholdQuantile,
    double sharpness,
    int densityKernel,
    double temperature) {

  /**
   * @param options the options of {@link SpatialIb}
   * @return the mask head they describe
   */
  static SoftMask of(Options options) {
    return new SoftMask(
        options.getDouble("low-quantile"),
        options.getDouble("high-quantile"),
        options.getDouble("threshold-quantile"),
        options.getDouble("sharpness"),
        options.getInt("density-kernel"),
        options.getDouble("temperature"));
  }

  /**
   * The mask of a VJP map.
   *
   * @param r (N, C, H, W), differentiable
   * @return (N, 1, H, W), differentiable with respect to r
   */
  NDArray mask(NDArray r) {
    long n = r.getShape().get(0);
    long h = r.getShape().get(2);
    long w = r.getShape().get(3);
    int d = Math.toIntExact(h * w);
    DataType type = r.getDataType();
    NDArray v = r.mean(new int[] {1}).abs().reshape(n, d);
    QuantileWeights low = QuantileWeights.of(d, lowQuantile, temperature, type);
    QuantileWeights high = QuantileWeights.of(d, highQuantile, temperature, type);
    QuantileWeights threshold = QuantileWeights.of(d, thresholdQuantile, temperature, type);
    // the three quantiles of the saliency read order statistics of v only: the normalisation is
    // non-decreasing per row (hi >= lo), so sorting commutes with it, and one partial sort of v
    // (the ranks the weights reach) replaces the full sorts of v (twice) and of the normalised map
    int upperFrom = Math.min(high.from(), threshold.from());
    int upperTo = Math.max(high.to(), threshold.to());
    NDArray lowRanks;
    NDArray upperRanks;
    if (OrderStatistics.partial(d, low.from(), low.to())
        && OrderStatistics.partial(d, upperFrom, upperTo)) {
      lowRanks = OrderStatistics.ranks(v, low.from(), low.to());
      upperRanks = OrderStatistics.ranks(v, upperFrom, upperTo);
    } else {
      NDArray sorted = v.sort(1);
      lowRanks = OrderStatistics.slice(sorted, low.from(), low.to());
      upperRanks = OrderStatistics.slice(sorted, upperFrom, upperTo);
    }
    NDArray lo = low.apply(lowRanks);
    NDArray hi =
        high.apply(
            OrderStatistics.slice(upperRanks, high.from() - upperFrom, high.to() - upperFrom));
    NDArray scale = hi.sub(lo).add(1e-8);
    NDArray normalised = v.sub(lo).div(scale).clip(0, 1);
    NDArray thresholdValue;
    if (scale.lte(0).any().getBoolean()) {
      // a decreasing map reverses the order (degenerate rows): sort the normalised map itself
      thresholdValue = softQuantile(normalised, thresholdQuantile);
    } else {
      NDArray ranks =
          OrderStatistics.slice(
              upperRanks, threshold.from() - upperFrom, threshold.to() - upperFrom);
      thresholdValue = threshold.apply(ranks.sub(lo).div(scale).clip(0, 1));
    }
    NDArray soft =
        Activation.sigmoid(normalised.sub(thresholdValue).mul(scalar(normalised, sharpness)));
    NDArray density = density(soft.reshape(n, 1, h, w)).reshape(n, d);
    NDArray m =
        Activation.sigmoid(
            density.sub(softQuantile(density, thresholdQuantile)).mul(scalar(density, sharpness)));
    return m.reshape(n, 1, h, w);
  }

  /**
   * The box average over a k x k window with zero padding counted (avg_pool2d(k, 1, k/2)), computed
   * as a column average followed by a row average: the box is separable, and this costs 2k instead
   * of k² operations per pixel (31x31: 15x fewer), forward and backward.
   *
   * @param s (N, 1, H, W)
   * @return (N, 1, H, W)
   */
  NDArray density(NDArray s) {
    int half = densityKernel / 2;
    NDArray columns =
        Pool.avgPool2d(
            s, new Shape(densityKernel, 1), new Shape(1, 1), new Shape(half, 0), false, true);
    return Pool.avgPool2d(
        columns, new Shape(1, densityKernel), new Shape(1, 1), new Shape(0, half), false, true);
  }

  /**
   * The same box average in one 2D pooling (the reference's formulation; kept to test {@link
   * #density}).
   *
   * @param s (N, 1, H, W)
   * @return (N, 1, H, W)
   */
  NDArray densityDirect(NDArray s) {
    int half = densityKernel / 2;
    return Pool.avgPool2d(
        s,
        new Shape(densityKernel, densityKernel),
        new Shape(1, 1),
        new Shape(half, half),
        false,
        true);
  }

  /**
   * Soft quantile of each row.
   *
   * @param v (N, D)
   * @param q the quantile in [0, 1]
   * @return (N, 1)
   */
  NDArray softQuantile(NDArray v, double q) {
    int d = Math.toIntExact(v.getShape().get(1));
    QuantileWeights weights = QuantileWeights.of(d, q, temperature, v.getDataType());
    return weights.apply(OrderStatistics.ranks(v, weights.from(), weights.to()));
  }
}
