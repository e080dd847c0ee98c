package dev.ibex.demo;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Random;

/**
 * A localisation benchmark with known object masks: every Fashion-MNIST item is pasted at a random
 * position on a larger canvas (56x56 by default) over a cluttered background, and its binary mask
 * is the set of object pixels (brightness above {@link #OBJECT_THRESHOLD} in the 28x28 item).
 *
 * <p>Background: uniform noise of amplitude {@code noise} plus a few random rectangles of random
 * brightness ("clutter") that never carry class information. An object pixel replaces the
 * background; a background pixel is kept. Deterministic for a seed, so localisation metrics
 * (pointing game, mask IoU, energy inside the box) can be compared across runs.
 */
public final class FashionScenes {
  /** Item pixels brighter than this belong to the object mask. */
  public static final float OBJECT_THRESHOLD = 0.1f;

  private FashionScenes() {}

  /**
   * Builds scenes from Fashion-MNIST items.
   *
   * @param items 28x28 single-channel items (e.g. {@link FashionMnist#load})
   * @param canvas side of the square canvas, at least the item size
   * @param noise amplitude of the uniform background noise, in [0, 1]
   * @param clutter number of random rectangles per canvas
   * @param seed seed of positions and background
   * @return scenes (N, 1, canvas, canvas) with masks (N, 1, canvas, canvas)
   */
  public static LabeledImages of(
      LabeledImages items, int canvas, float noise, int clutter, long seed) {
    int side = (int) items.imageShape().get(1);
    checkArgument(
        items.imageShape().get(0) == 1 && items.imageShape().get(2) == side,
        "items must be square single-channel images");
    checkArgument(canvas >= side, "canvas %s is smaller than the items (%s)", canvas, side);
    checkArgument(noise >= 0 && noise <= 1, "noise must be in [0, 1]");
    int n = items.size();
    int per = canvas * canvas;
    float[] pixels = new float[n * per];
    float[] masks = new float[n * per];
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      int base = i * per;
      for (int p = 0; p < per; p++) {
        pixels[base + p] = noise * r.nextFloat();
      }
      for (int k = 0; k < clutter; k++) {
        int w = 3 + r.nextInt(canvas / 4);
        int h = 3 + r.nextInt(canvas / 4);
        int x0 = r.nextInt(canvas - w + 1);
        int y0 = r.nextInt(canvas - h + 1);
        float v = 0.2f + 0.6f * r.nextFloat();
        for (int y = y0; y < y0 + h; y++) {
          for (int x = x0; x < x0 + w; x++) {
            pixels[base + y * canvas + x] = v;
          }
        }
      }
      int ox = r.nextInt(canvas - side + 1);
      int oy = r.nextInt(canvas - side + 1);
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          float v = items.pixel(i, 0, y, x);
          if (v > OBJECT_THRESHOLD) {
            int at = base + (oy + y) * canvas + ox + x;
            pixels[at] = v;
            masks[at] = 1f;
          }
        }
      }
    }
    return new LabeledImages(pixels, items.labels(), masks, 1, canvas, canvas, items.classes());
  }

  /**
   * The default benchmark: 56x56 canvas, noise 0.3, four clutter rectangles.
   *
   * @param items Fashion-MNIST items
   * @param seed the seed
   * @return the scenes
   */
  public static LabeledImages of(LabeledImages items, long seed) {
    return of(items, 56, 0.3f, 4, seed);
  }
}
