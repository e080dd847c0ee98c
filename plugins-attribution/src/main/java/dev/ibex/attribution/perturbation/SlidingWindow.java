package dev.ibex.attribution.perturbation;

import dev.ibex.api.InvalidOptionException;

/**
 * The geometry of Captum's {@code Occlusion} over a (C, H, W) input: a box of {@code size} moved by
 * {@code stride} along each axis, {@code ⌈(D − size)/stride⌉ + 1} positions per axis (the last one
 * clipped at the border), so every element is covered at least once.
 */
final class SlidingWindow {
  private final int[] dims;
  private final int[] size;
  private final int[] stride;
  private final int[] positions;

  private SlidingWindow(int[] dims, int[] size, int[] stride) {
    this.dims = dims;
    this.size = size;
    this.stride = stride;
    this.positions = new int[3];
    for (int d = 0; d < 3; d++) {
      positions[d] = ceilDiv(dims[d] - size[d], stride[d]) + 1;
    }
  }

  /**
   * Parses the options against the input shape.
   *
   * @param window "CxHxW" or "HxW" (then the box spans all channels)
   * @param stride "CxHxW", "HxW" (then the channel stride is the box depth) or one integer for all
   *     axes
   * @param dims the input's (C, H, W)
   * @return the geometry
   * @throws InvalidOptionException if a value does not parse or does not fit the input
   */
  static SlidingWindow parse(String window, String stride, int[] dims) {
    int[] w = ints("window", window);
    if (w.length == 2) {
      w = new int[] {dims[0], w[0], w[1]};
    } else if (w.length != 3) {
      throw new InvalidOptionException(
          "option 'window' must be CxHxW or HxW, got '" + window + "'");
    }
    int[] s = ints("stride", stride);
    if (s.length == 1) {
      s = new int[] {s[0], s[0], s[0]};
    } else if (s.length == 2) {
      s = new int[] {w[0], s[0], s[1]};
    } else if (s.length != 3) {
      throw new InvalidOptionException(
          "option 'stride' must be CxHxW, HxW or one integer, got '" + stride + "'");
    }
    String[] axis = {"channel", "height", "width"};
    for (int d = 0; d < 3; d++) {
      if (w[d] < 1 || w[d] > dims[d]) {
        throw new InvalidOptionException(
            "window " + axis[d] + " " + w[d] + " must be in [1, " + dims[d] + "] for this input");
      }
      if (s[d] < 1 || (s[d] > w[d] && w[d] < dims[d])) {
        throw new InvalidOptionException(
            "stride "
                + axis[d]
                + " "
                + s[d]
                + " must be in [1, window "
                + w[d]
                + "] (gaps would leave elements unexplained)");
      }
    }
    return new SlidingWindow(dims, w, s);
  }

  private static int[] ints(String option, String text) {
    String[] parts = text.trim().toLowerCase(java.util.Locale.ROOT).split("x");
    int[] v = new int[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        v[i] = Integer.parseInt(parts[i].trim());
      }
    } catch (NumberFormatException e) {
      throw new InvalidOptionException(
          "option '" + option + "' must be integers joined by 'x', got '" + text + "'");
    }
    return v;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /**
   * @return the number of window positions
   */
  int count() {
    return positions[0] * positions[1] * positions[2];
  }

  /**
   * The 0/1 indicator of window {@code k} along one axis.
   *
   * @param k window number in [0, count)
   * @param axis 0 channel, 1 height, 2 width
   * @return one value per element of that axis
   */
  float[] indicator(int k, int axis) {
    int step = k;
    for (int d = 2; d > axis; d--) {
      step /= positions[d];
    }
    int start = (step % positions[axis]) * stride[axis];
    float[] v = new float[dims[axis]];
    for (int i = start; i < Math.min(dims[axis], start + size[axis]); i++) {
      v[i] = 1f;
    }
    return v;
  }

  /**
   * How many window positions cover each element along one axis (the coverage of an element is the
   * product over the three axes).
   *
   * @param axis 0 channel, 1 height, 2 width
   * @return one count per element of that axis
   */
  float[] coverage(int axis) {
    float[] c = new float[dims[axis]];
    for (int p = 0; p < positions[axis]; p++) {
      int start = p * stride[axis];
      for (int i = start; i < Math.min(dims[axis], start + size[axis]); i++) {
        c[i] += 1f;
      }
    }
    return c;
  }
}
