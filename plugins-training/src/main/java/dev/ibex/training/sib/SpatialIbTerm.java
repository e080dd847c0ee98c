package dev.ibex.training.sib;

import static dev.ibex.api.GraphConstants.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.RegularizerTerm;
import dev.ibex.api.TrainingStep;
import dev.ibex.api.options.Options;
import dev.ibex.api.spi.Hsic;
import dev.ibex.training.autograd.SecondOrder;

/** The per-run S-IB term: see {@link SpatialIb}. */
public final class SpatialIbTerm implements RegularizerTerm {
  private final SoftMask maskHead;
  private final boolean exponential;
  private final double bgWeight;
  private final double fgWeight;
  private final int interval;
  private final boolean byBackward;
  private long calls;

  /**
   * @param options the options of {@link SpatialIb}, checked by it
   */
  SpatialIbTerm(Options options) {
    maskHead = SoftMask.of(options);
    exponential = options.getString("form").equals("exp");
    bgWeight = options.getDouble("bg-weight");
    fgWeight = options.getDouble("fg-weight");
    interval = options.getInt("interval");
    byBackward = options.getString("vjp").equals("backward");
  }

  @Override
  public boolean needsInputGradient() {
    return true;
  }

  @Override
  public NDArray loss(TrainingStep step) {
    NDArray x = step.inputs();
    if (x.getShape().dimension() != 4) {
      throw new InvalidInputException("s-ib needs (N, C, H, W) image batches, got " + x.getShape());
    }
    if (!x.hasGradient()) {
      throw new InvalidInputException(
          "s-ib needs a trainer that records input gradients (needsInputGradient)");
    }
    if (calls++ % interval != 0) {
      return x.getManager().zeros(new ai.djl.ndarray.types.Shape(), x.getDataType());
    }
    NDArray p = step.logits().softmax(1);
    NDArray half = halfSquaredNorm(p);
    NDArray r =
        byBackward
            ? SecondOrder.inputGradientByBackward(half, x, step.model(), true)
            : SecondOrder.inputGradient(half, x);
    Parts parts = parts(r, x);
    step.log("s-ib/hsic", parts.hsic.toType(DataType.FLOAT64, false).getDouble());
    step.log("s-ib/bg-var", parts.bgVariance.toType(DataType.FLOAT64, false).getDouble());
    return combine(parts);
  }

  /**
   * ½‖p‖² summed over the batch, the scalar whose input gradient is the VJP map R = Jᵀp.
   *
   * @param p the softmax probabilities (N, classes)
   * @return the scalar, differentiable
   */
  static NDArray halfSquaredNorm(NDArray p) {
    return p.square().sum().mul(scalar(p, 0.5));
  }

  /** The two statistics of a VJP map R for inputs X. */
  record Parts(NDArray hsic, NDArray bgVariance, NDArray mask) {}

  /**
   * HSIC(R⊙M, X⊙M) and the mean unbiased variance of R⊙(1 − M).
   *
   * @param r the VJP map (N, C, H, W)
   * @param x the inputs (N, C, H, W)
   * @return both statistics and the mask
   */
  Parts parts(NDArray r, NDArray x) {
    long n = r.getShape().get(0);
    NDArray m = maskHead.mask(r);
    NDArray fgR = r.mul(m).reshape(n, -1);
    NDArray fgX = x.mul(m).reshape(n, -1);
    NDArray hsic = Hsic.linear(fgR, fgX);
    NDArray bg = r.mul(m.neg().add(1)).reshape(n, -1);
    long d = bg.getShape().get(1);
    NDArray centred = bg.sub(bg.mean(new int[] {1}, true));
    NDArray variance = centred.square().sum(new int[] {1}).div(scalar(centred, d - 1)).mean();
    return new Parts(hsic, variance, m);
  }

  NDArray combine(Parts parts) {
    if (exponential) {
      return parts
          .bgVariance
          .exp()
          .mul(scalar(parts.bgVariance, bgWeight))
          .add(parts.hsic.neg().exp().mul(scalar(parts.hsic, fgWeight)));
    }
    return parts
        .bgVariance
        .mul(scalar(parts.bgVariance, bgWeight))
        .sub(parts.hsic.mul(scalar(parts.hsic, fgWeight)));
  }
}
