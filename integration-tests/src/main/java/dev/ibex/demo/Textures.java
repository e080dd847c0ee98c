package dev.ibex.demo;

import java.util.Random;

/**
 * Ten procedural grey-level textures, one per Fashion-MNIST class when used as a spurious cue:
 * horizontal, vertical, diagonal and anti-diagonal stripes, a checkerboard, a dot grid, rings, fine
 * noise, a cross-hatch and coarse blobs. Each draw has a random phase, so the texture, not its
 * exact pixels, is what a model can learn. Values lie in [0, 1].
 *
 * <p>Procedural rather than photographs (Debian's {@code python3-skimage} ships only four texture
 * photographs): ten kinds that differ at every position of the canvas, the same on every machine.
 */
public final class Textures {
  /** Number of texture kinds. */
  public static final int KINDS = 10;

  /** Names of the kinds, by index. */
  public static final String[] NAMES = {
    "h-stripes",
    "v-stripes",
    "diagonal",
    "anti-diagonal",
    "checkerboard",
    "dots",
    "rings",
    "fine-noise",
    "cross-hatch",
    "blobs"
  };

  private Textures() {}

  /**
   * Draws one texture.
   *
   * @param kind which texture, 0 to {@link #KINDS} - 1
   * @param side side of the square canvas
   * @param r source of the phase (and of the noise of the noisy kinds)
   * @return side * side values in [0, 1], row-major
   */
  public static float[] draw(int kind, int side, Random r) {
    float[] t = new float[side * side];
    double phase = r.nextDouble() * 2 * Math.PI;
    int ox = r.nextInt(8);
    int oy = r.nextInt(8);
    double cx = r.nextDouble() * side;
    double cy = r.nextDouble() * side;
    float[] coarse = new float[9 * 9];
    for (int i = 0; i < coarse.length; i++) {
      coarse[i] = r.nextFloat();
    }
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        double v =
            switch (kind) {
              case 0 -> wave(y / 5.0, phase);
              case 1 -> wave(x / 5.0, phase);
              case 2 -> wave((x + y) / 7.0, phase);
              case 3 -> wave((x - y) / 7.0, phase);
              case 4 -> (((x + ox) / 4) + ((y + oy) / 4)) % 2;
              case 5 -> dot((x + ox) % 6 - 2.5, (y + oy) % 6 - 2.5);
              case 6 -> wave(Math.hypot(x - cx, y - cy) / 6.0, phase);
              case 7 -> r.nextDouble();
              case 8 -> ((x + ox) % 7 == 0 || (y + oy) % 7 == 0) ? 1 : 0;
              case 9 -> bilinear(coarse, 9, x * 8.0 / (side - 1), y * 8.0 / (side - 1));
              default -> throw new IllegalArgumentException("texture kind " + kind);
            };
        t[y * side + x] = (float) v;
      }
    }
    return t;
  }

  private static double wave(double cycles, double phase) {
    return 0.5 + 0.5 * Math.sin(2 * Math.PI * cycles + phase);
  }

  private static double dot(double dx, double dy) {
    return dx * dx + dy * dy <= 2.0 ? 1 : 0;
  }

  private static double bilinear(float[] grid, int n, double gx, double gy) {
    int x0 = Math.min((int) gx, n - 2);
    int y0 = Math.min((int) gy, n - 2);
    double fx = gx - x0;
    double fy = gy - y0;
    double top = grid[y0 * n + x0] * (1 - fx) + grid[y0 * n + x0 + 1] * fx;
    double bottom = grid[(y0 + 1) * n + x0] * (1 - fx) + grid[(y0 + 1) * n + x0 + 1] * fx;
    return top * (1 - fy) + bottom * fy;
  }
}
