package dev.ibex.attribution.gradient;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.spi.GaussianBlur;
import java.util.Locale;

/**
 * The reference point of a path method, from the {@code baseline} option: the text {@code zeros},
 * {@code blur} (the input Gaussian-blurred with σ = {@code blur-sigma} pixels) or a number (a
 * constant image); from Java also a {@link Number} or an {@link NDArray} of the input's shape, of
 * its shape without the batch axis, or with a batch axis of 1.
 */
final class Baselines {
  private Baselines() {}

  /**
   * The baseline batch for an input.
   *
   * @param value the option value
   * @param blurSigma σ for {@code blur}
   * @param x the input (N, C, H, W)
   * @param scratch where the baseline lives
   * @return the baseline, x's shape, on scratch
   */
  static NDArray resolve(Object value, double blurSigma, NDArray x, NDManager scratch) {
    if (value instanceof NDArray) {
      return fromTensor((NDArray) value, x, scratch);
    }
    if (value instanceof Number) {
      return constant(((Number) value).doubleValue(), x, scratch);
    }
    String text = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
    if (text.equals("zeros") || text.equals("zero")) {
      return constant(0, x, scratch);
    }
    if (text.equals("blur")) {
      NDArray b = GaussianBlur.blur(x, blurSigma);
      b.attach(scratch);
      return b;
    }
    double c;
    try {
      c = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new InvalidOptionException(
          "option 'baseline' must be zeros, blur, a number or (from Java) an NDArray, got '"
              + value
              + "'");
    }
    return constant(c, x, scratch);
  }

  private static NDArray constant(double c, NDArray x, NDManager scratch) {
    if (!Double.isFinite(c)) {
      throw new InvalidOptionException("option 'baseline' must be finite, got " + c);
    }
    // ones × c rather than full(float): a float64 input gets c itself, not c rounded to float32
    return scratch.ones(x.getShape(), x.getDataType(), x.getDevice()).mul(c);
  }

  private static NDArray fromTensor(NDArray b, NDArray x, NDManager scratch) {
    Shape xs = x.getShape();
    Shape bs = b.getShape();
    boolean sameRank =
        bs.dimension() == xs.dimension()
            && (bs.get(0) == xs.get(0) || bs.get(0) == 1)
            && bs.slice(1).equals(xs.slice(1));
    boolean noBatch = bs.equals(xs.slice(1));
    if (!sameRank && !noBatch) {
      throw new InvalidOptionException(
          "baseline tensor of shape "
              + bs
              + " does not fit input "
              + xs
              + " (give "
              + xs
              + ", (1, "
              + xs.slice(1)
              + ") or "
              + xs.slice(1)
              + ")");
    }
    if (!b.getDataType().isFloating()) {
      throw new InvalidOptionException(
          "baseline tensor must be floating point, got " + b.getDataType());
    }
    NDArray copy = b.toDevice(x.getDevice(), true).toType(x.getDataType(), false);
    copy.attach(scratch);
    if (copy.isNaN().any().getBoolean() || copy.isInfinite().any().getBoolean()) {
      throw new InvalidOptionException("baseline tensor contains NaN or infinite values");
    }
    return noBatch ? copy.expandDims(0).broadcast(xs) : copy.broadcast(xs);
  }
}
