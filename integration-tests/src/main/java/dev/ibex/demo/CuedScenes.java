package dev.ibex.demo;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Random;

/**
 * Scenes with ground truth and a spurious cue: every Fashion-MNIST garment is pasted at a random
 * position on a textured canvas; its mask (the garment's pixels, exact) and box are known. The
 * background texture ({@link Textures}) is the garment's class's own with probability {@code
 * cueProbability} and one of the other nine otherwise, so a model can learn the class from the
 * background. {@code cueProbability} 0.1 (= 1/10) makes the texture independent of the class: the
 * cue-shifted test. Deterministic for a seed.
 */
public final class CuedScenes {
  /**
   * Probability of the class's own texture in the training, validation and in-distribution sets.
   */
  public static final double TRAINING_CUE = 0.8;

  /** The cue-shifted sets: the texture is drawn independently of the class. */
  public static final double NO_CUE = 1.0 / Textures.KINDS;

  /** Darkest background level. */
  static final float BACKGROUND_LOW = 0.05f;

  /** Largest background amplitude above {@link #BACKGROUND_LOW}. */
  static final float BACKGROUND_AMPLITUDE = 0.2f;

  private CuedScenes() {}

  /**
   * A built set: the scenes and which texture each background has.
   *
   * @param images the scenes (N, 1, canvas, canvas) with their masks
   * @param textures the background texture of each scene
   */
  public record Set(LabeledImages images, int[] textures) {
    /**
     * @return the share of scenes whose texture is their class's own
     */
    public double cueAgreement() {
      int[] y = images.labels();
      int same = 0;
      for (int i = 0; i < y.length; i++) {
        same += textures[i] == y[i] ? 1 : 0;
      }
      return y.length == 0 ? 0 : (double) same / y.length;
    }
  }

  /**
   * Builds scenes.
   *
   * @param items 28x28 single-channel garments ({@link FashionMnist#load}), ten classes
   * @param canvas side of the square canvas, at least 28
   * @param cueProbability probability that a background is its class's texture, in [0, 1]
   * @param seed seed of positions, textures and their phases
   * @return the scenes and their textures
   */
  public static Set of(LabeledImages items, int canvas, double cueProbability, long seed) {
    int side = (int) items.imageShape().get(1);
    checkArgument(
        items.imageShape().get(0) == 1 && items.imageShape().get(2) == side,
        "items must be square single-channel images");
    checkArgument(items.classes() == Textures.KINDS, "cued scenes need %s classes", Textures.KINDS);
    checkArgument(canvas >= side, "canvas %s is smaller than the items (%s)", canvas, side);
    checkArgument(cueProbability >= 0 && cueProbability <= 1, "cue probability must be in [0, 1]");
    int n = items.size();
    int per = canvas * canvas;
    float[] pixels = new float[n * per];
    float[] masks = new float[n * per];
    int[] textures = new int[n];
    int[] labels = items.labels();
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      int kind;
      if (r.nextDouble() < cueProbability) {
        kind = labels[i];
      } else {
        kind = (labels[i] + 1 + r.nextInt(Textures.KINDS - 1)) % Textures.KINDS;
      }
      textures[i] = kind;
      float amplitude = BACKGROUND_AMPLITUDE * (0.6f + 0.4f * r.nextFloat());
      float[] t = Textures.draw(kind, canvas, r);
      int base = i * per;
      for (int p = 0; p < per; p++) {
        pixels[base + p] = BACKGROUND_LOW + amplitude * t[p];
      }
      int ox = r.nextInt(canvas - side + 1);
      int oy = r.nextInt(canvas - side + 1);
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          float v = items.pixel(i, 0, y, x);
          if (v > FashionScenes.OBJECT_THRESHOLD) {
            int at = base + (oy + y) * canvas + ox + x;
            pixels[at] = v;
            masks[at] = 1f;
          }
        }
      }
    }
    LabeledImages images =
        new LabeledImages(pixels, labels, masks, 1, canvas, canvas, items.classes());
    return new Set(images, textures);
  }
}
