package dev.ibex.metrics.faithfulness;

/** Exposes the package-private RISE kernel to the parity test. */
public final class RiseKernelProbe {
  private RiseKernelProbe() {}

  /**
   * @param kernel side
   * @param sigma standard deviation
   * @return the 1-D factor of RISE's gkern
   */
  public static double[] kernel(int kernel, double sigma) {
    return Baselines.riseKernel(kernel, sigma);
  }
}
