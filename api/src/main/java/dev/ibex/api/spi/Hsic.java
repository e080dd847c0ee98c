package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.GraphConstants;

/**
 * The Hilbert-Schmidt independence criterion with linear kernels over a batch (Gretton et al.,
 * "Measuring Statistical Dependence with Hilbert-Schmidt Norms", ALT 2005), as S-IB's regulariser
 * computes it: rows are L2-normalised (a zero row stays zero), {@code K = A Aᵀ}, {@code L = B Bᵀ},
 * {@code HSIC = tr(K H L H) / (B − 1)²} with {@code H = I − 11ᵀ/B}. Differentiable, so the S-IB
 * loss and the S-IB metrics (in float64) use the same code.
 */
public final class Hsic {
  private Hsic() {}

  /**
   * @param a (B, D) features, one row per sample (flattened)
   * @param b (B, E) features
   * @return the scalar HSIC, differentiable with respect to both
   */
  public static NDArray linear(NDArray a, NDArray b) {
    long n = a.getShape().get(0);
    NDArray an = normalise(a);
    NDArray bn = normalise(b);
    NDArray k = an.matMul(an.transpose());
    NDArray l = bn.matMul(bn.transpose());
    NDArray h =
        a.getManager()
            .eye((int) n)
            .sub(1.0 / n)
            .toType(a.getDataType(), false)
            .toDevice(a.getDevice(), false);
    NDArray khlh = k.matMul(h).matMul(l).matMul(h);
    return trace(khlh).div(GraphConstants.scalar(khlh, (double) (n - 1) * (n - 1)));
  }

  /**
   * The normalised HSIC, {@code HSIC(A, B) / sqrt(HSIC(A, A) · HSIC(B, B))} (centred kernel
   * alignment, in [0, 1]); 0 when either self-dependence is 0.
   *
   * @param a (B, D) features
   * @param b (B, E) features
   * @return the value
   */
  public static double normalised(NDArray a, NDArray b) {
    double den = Math.sqrt(value(linear(a, a)) * value(linear(b, b)));
    return den > 0 ? value(linear(a, b)) / den : 0;
  }

  /**
   * @param scalar a 0-d array
   * @return its value as a double
   */
  public static double value(NDArray scalar) {
    return scalar.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
  }

  private static NDArray trace(NDArray square) {
    NDArray eye =
        square
            .getManager()
            .eye((int) square.getShape().get(0))
            .toType(square.getDataType(), false)
            .toDevice(square.getDevice(), false);
    return square.mul(eye).sum();
  }

  private static NDArray normalise(NDArray x) {
    // x / ‖x‖ as torch.nn.functional.normalize, but with the epsilon inside the root so that an
    // all-zero row has a finite gradient (sqrt'(0) is infinite)
    return x.div(x.square().sum(new int[] {1}, true).add(GraphConstants.scalar(x, 1e-24)).sqrt());
  }
}
