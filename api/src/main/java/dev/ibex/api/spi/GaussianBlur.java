package dev.ibex.api.spi;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * Separable Gaussian blur of an image batch (N, C, H, W), channel by channel. The kernel has radius
 * ⌈3σ⌉ and is normalised at the borders (the result is blur(x) / blur(1) with zero padding), so a
 * constant image stays constant.
 */
public final class GaussianBlur {
  private GaussianBlur() {}

  /**
   * The normalised 1-d Gaussian kernel of radius ⌈3σ⌉.
   *
   * @param sigma standard deviation in pixels, &gt; 0
   * @return 2⌈3σ⌉+1 weights summing to 1
   */
  public static double[] kernel(double sigma) {
    checkArgument(sigma > 0, "sigma must be positive, got %s", sigma);
    int radius = (int) Math.ceil(3 * sigma);
    double[] k = new double[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      sum += Math.exp(-0.5 * i * i / (sigma * sigma));
    }
    for (int i = -radius; i <= radius; i++) {
      k[i + radius] = Math.exp(-0.5 * i * i / (sigma * sigma)) / sum;
    }
    return k;
  }

  /**
   * Blurs every channel of every image.
   *
   * @param x (N, C, H, W) images
   * @param sigma standard deviation in pixels, &gt; 0
   * @return the blurred images, same shape, on x's manager
   */
  public static NDArray blur(NDArray x, double sigma) {
    Shape s = x.getShape();
    checkArgument(s.dimension() == 4, "blur needs (N, C, H, W), got %s", s);
    double[] k = kernel(sigma);
    NDArray ones =
        x.getManager()
            .ones(new Shape(1, 1, s.get(2), s.get(3)), x.getDataType())
            .toDevice(x.getDevice(), false);
    NDArray norm = separable(ones, k, 1);
    return separable(x, k, (int) s.get(1)).div(norm);
  }

  private static NDArray separable(NDArray x, double[] k, int channels) {
    int r = k.length / 2;
    // double weights cast to x's type: a float64 blur is not limited to float32 weights
    NDArray base =
        x.getManager().create(k).toDevice(x.getDevice(), false).toType(x.getDataType(), false);
    NDArray vertical = base.reshape(1, 1, k.length, 1).repeat(0, channels);
    NDArray horizontal = base.reshape(1, 1, 1, k.length).repeat(0, channels);
    NDArray y = conv(x, vertical, new Shape(r, 0), channels);
    return conv(y, horizontal, new Shape(0, r), channels);
  }

  private static NDArray conv(NDArray x, NDArray weight, Shape padding, int groups) {
    NDList out = Conv2d.conv2d(x, weight, null, new Shape(1, 1), padding, new Shape(1, 1), groups);
    return out.singletonOrThrow();
  }
}
