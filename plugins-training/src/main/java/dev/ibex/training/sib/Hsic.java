package dev.ibex.training.sib;

import static dev.ibex.api.GraphConstants.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The biased empirical HSIC with linear kernels over a batch, between row-wise L2-normalised
 * features: tr(K H L H) / (B − 1)² with K = a aᵀ, L = b bᵀ and the centring matrix H = I − 11ᵀ/B.
 */
final class Hsic {
  private Hsic() {}

  /**
   * @param a (B, D) features, flattened
   * @param b (B, E) features, flattened
   * @return scalar HSIC, differentiable with respect to both
   */
  static NDArray linear(NDArray a, NDArray b) {
    long n = a.getShape().get(0);
    NDArray an = normalise(a);
    NDArray bn = normalise(b);
    NDArray k = an.matMul(an.transpose());
    NDArray l = bn.matMul(bn.transpose());
    NDManager m = a.getManager();
    NDArray h = m.eye((int) n).sub(1.0 / n).toType(a.getDataType(), false);
    NDArray khlh = k.matMul(h).matMul(l).matMul(h);
    return trace(khlh).div(scalar(khlh, (double) (n - 1) * (n - 1)));
  }

  private static NDArray trace(NDArray square) {
    NDArray eye = square.getManager().eye((int) square.getShape().get(0)).toType(square.getDataType(), false);
    return square.mul(eye).sum();
  }

  private static NDArray normalise(NDArray x) {
    // x / ‖x‖ as torch.nn.functional.normalize, but with the epsilon inside the root so that an
    // all-zero row has a finite gradient (sqrt'(0) is infinite)
    return x.div(x.square().sum(new int[] {1}, true).add(1e-24).sqrt());
  }
}
