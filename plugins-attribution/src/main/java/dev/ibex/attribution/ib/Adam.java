package dev.ibex.attribution.ib;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Adam (Kingma and Ba) on one tensor with PyTorch's defaults (β1 0.9, β2 0.999, ε 1e-8, bias
 * correction): what the bottleneck methods fit their per-sample masks with.
 */
final class Adam {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPS = 1e-8f;
  private final double lr;
  private NDArray m;
  private NDArray v;
  private int t;

  Adam(double lr) {
    this.lr = lr;
  }

  /**
   * One update.
   *
   * @param param current value
   * @param grad its gradient
   * @param owner where the new value and the moments live
   * @return the updated value (a new array on {@code owner})
   */
  NDArray step(NDArray param, NDArray grad, NDManager owner) {
    t++;
    NDArray g = grad.duplicate();
    g.attach(owner);
    NDArray newM = m == null ? g.mul(1 - BETA1) : m.mul(BETA1).add(g.mul(1 - BETA1));
    NDArray newV =
        v == null ? g.square().mul(1 - BETA2) : v.mul(BETA2).add(g.square().mul(1 - BETA2));
    newM.attach(owner);
    newV.attach(owner);
    if (m != null) {
      m.close();
      v.close();
    }
    m = newM;
    v = newV;
    double c1 = 1 - Math.pow(BETA1, t);
    double c2 = 1 - Math.pow(BETA2, t);
    NDArray update = m.div(c1).div(v.div(c2).sqrt().add(EPS)).mul(lr);
    NDArray next = param.sub(update);
    next.attach(owner);
    g.close();
    return next;
  }
}
