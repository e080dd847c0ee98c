package dev.ibex.demo.clip;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ibex.demo.FashionScenes;
import dev.ibex.demo.LabeledImages;
import dev.ibex.demo.Textures;
import java.util.Arrays;
import java.util.Random;

/**
 * Image-caption pairs with ground truth: one or two Fashion-MNIST garments on a {@value #CANVAS}²
 * canvas, captioned "a sneaker" or "a sneaker left of a bag" / "a bag right of a sneaker" ({@link
 * Captions}), with the exact mask of each garment (its visible pixels: where the right garment
 * covers part of the left one, the left one's mask loses those pixels). Two garments of a scene are
 * always of different classes, so a caption names each unambiguously.
 *
 * <p>Each scene also has a <em>named</em> caption that names one of its garments alone ("a bag"),
 * with that garment's mask: what the image side is explained toward in the pointing game.
 *
 * <p>The background is a random {@link Textures} kind at low amplitude, independent of the
 * captions: on a plain black canvas any method that multiplies by the input (or whose maps follow
 * the input's energy) would "point" at the garment because only the garment has non-zero pixels;
 * with a texture the background carries signal the model must learn to ignore. Deterministic for a
 * seed.
 */
public final class CaptionedScenes {
  /** Side of the square canvas. */
  public static final int CANVAS = 56;

  /** Side of a garment. */
  static final int ITEM = 28;

  /** Darkest background level. */
  static final float BACKGROUND_LOW = 0.05f;

  /** Largest background amplitude above {@link #BACKGROUND_LOW}. */
  static final float BACKGROUND_AMPLITUDE = 0.2f;

  /** Horizontal jitter of each garment of a two-garment scene within its half. */
  static final int JITTER = 4;

  private CaptionedScenes() {}

  /**
   * A built set of pairs.
   *
   * @param pixels (N, 1, {@value #CANVAS}, {@value #CANVAS}) row-major, in [0, 1]
   * @param captions (N, {@link Captions#CONTEXT}) token ids of the full captions
   * @param named (N, {@link Captions#CONTEXT}) token ids of the captions naming one garment
   * @param garments (N, 2): the left (or only) garment's class and the right one's (-1: none)
   * @param masks (N, 2, {@value #CANVAS}, {@value #CANVAS}): each garment's mask (0 or 1)
   * @param namedSlot which garment (0 or 1) the named caption names
   */
  public record Set(
      float[] pixels,
      long[] captions,
      long[] named,
      int[] garments,
      float[] masks,
      int[] namedSlot) {
    /**
     * @return the number of pairs
     */
    public int size() {
      return namedSlot.length;
    }

    /**
     * @param i a pair
     * @return its caption's token ids
     */
    public long[] caption(int i) {
      return Arrays.copyOfRange(captions, i * Captions.CONTEXT, (i + 1) * Captions.CONTEXT);
    }

    /**
     * @param i a pair
     * @return the ids of the caption naming one of its garments
     */
    public long[] namedCaption(int i) {
      return Arrays.copyOfRange(named, i * Captions.CONTEXT, (i + 1) * Captions.CONTEXT);
    }

    /**
     * @param i a pair
     * @return the number of garments in its image
     */
    public int objects(int i) {
      return garments[2 * i + 1] < 0 ? 1 : 2;
    }

    /**
     * @param i a pair
     * @param slot 0 (left or only garment) or 1 (right garment)
     * @return the garment's mask, {@value #CANVAS}² values, row-major
     */
    public float[] mask(int i, int slot) {
      int per = CANVAS * CANVAS;
      int from = (2 * i + slot) * per;
      return Arrays.copyOfRange(masks, from, from + per);
    }

    /**
     * @param i a pair
     * @return the image, {@value #CANVAS}² values, row-major
     */
    public float[] image(int i) {
      int per = CANVAS * CANVAS;
      return Arrays.copyOfRange(pixels, i * per, (i + 1) * per);
    }

    /**
     * @param manager where to create the array
     * @param rows pairs
     * @return their images (n, 1, {@value #CANVAS}, {@value #CANVAS})
     */
    public NDArray images(NDManager manager, int[] rows) {
      int per = CANVAS * CANVAS;
      float[] out = new float[rows.length * per];
      for (int k = 0; k < rows.length; k++) {
        System.arraycopy(pixels, rows[k] * per, out, k * per, per);
      }
      return manager.create(out, new Shape(rows.length, 1, CANVAS, CANVAS));
    }

    /**
     * @param manager where to create the array
     * @param rows pairs
     * @return their captions' ids (n, {@link Captions#CONTEXT}), int64
     */
    public NDArray captions(NDManager manager, int[] rows) {
      return ids(manager, captions, rows);
    }

    /**
     * @param manager where to create the array
     * @param rows pairs
     * @return the ids of the captions naming one garment (n, {@link Captions#CONTEXT}), int64
     */
    public NDArray namedCaptions(NDManager manager, int[] rows) {
      return ids(manager, named, rows);
    }

    /**
     * @param manager where to create the array
     * @param rows pairs
     * @return the masks of the named garments (n, {@value #CANVAS}, {@value #CANVAS})
     */
    public NDArray namedMasks(NDManager manager, int[] rows) {
      int per = CANVAS * CANVAS;
      float[] out = new float[rows.length * per];
      for (int k = 0; k < rows.length; k++) {
        System.arraycopy(mask(rows[k], namedSlot[rows[k]]), 0, out, k * per, per);
      }
      return manager.create(out, new Shape(rows.length, CANVAS, CANVAS));
    }

    /**
     * The share of the canvas the named garment covers: the chance of a hit of a map whose maximum
     * falls on a uniformly random pixel.
     *
     * @param i a pair
     * @return the named mask's area / canvas area
     */
    public double namedAreaShare(int i) {
      float[] m = mask(i, namedSlot[i]);
      double s = 0;
      for (float v : m) {
        s += v;
      }
      return s / m.length;
    }

    private static NDArray ids(NDManager manager, long[] all, int[] rows) {
      int c = Captions.CONTEXT;
      long[] out = new long[rows.length * c];
      for (int k = 0; k < rows.length; k++) {
        System.arraycopy(all, rows[k] * c, out, k * c, c);
      }
      return manager.create(out, new Shape(rows.length, c));
    }
  }

  /**
   * Builds one pair per garment of {@code items}: that garment alone with probability {@code 1 -
   * pairShare}, else with a garment of another class drawn from {@code items}.
   *
   * @param items 28x28 single-channel garments ({@code FashionMnist.load}), ten classes
   * @param pairShare the share of two-garment scenes, in [0, 1]
   * @param seed seed of the layout, the partners, the backgrounds and the captions' word order
   * @return the pairs
   */
  public static Set of(LabeledImages items, double pairShare, long seed) {
    checkArgument(
        items.imageShape().equals(new Shape(1, ITEM, ITEM)), "items must be 1x28x28 garments");
    checkArgument(pairShare >= 0 && pairShare <= 1, "pair share must be in [0, 1]");
    int n = items.size();
    int per = CANVAS * CANVAS;
    int[] labels = items.labels();
    float[] pixels = new float[n * per];
    float[] masks = new float[n * 2 * per];
    long[] captions = new long[n * Captions.CONTEXT];
    long[] named = new long[n * Captions.CONTEXT];
    int[] garments = new int[n * 2];
    int[] namedSlot = new int[n];
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(Textures.KINDS);
      float amplitude = BACKGROUND_AMPLITUDE * (0.6f + 0.4f * r.nextFloat());
      float[] t = Textures.draw(kind, CANVAS, r);
      for (int p = 0; p < per; p++) {
        pixels[i * per + p] = BACKGROUND_LOW + amplitude * t[p];
      }
      boolean two = n > 1 && r.nextDouble() < pairShare;
      long[] caption;
      if (two) {
        int partner = r.nextInt(n);
        while (labels[partner] == labels[i]) {
          partner = r.nextInt(n);
        }
        // the first item goes left or right at random, so each class appears on both sides
        boolean firstLeft = r.nextBoolean();
        int left = firstLeft ? i : partner;
        int right = firstLeft ? partner : i;
        paste(
            items, left, i, 0, r.nextInt(JITTER + 1), r.nextInt(CANVAS - ITEM + 1), pixels, masks);
        paste(
            items,
            right,
            i,
            1,
            CANVAS - ITEM - r.nextInt(JITTER + 1),
            r.nextInt(CANVAS - ITEM + 1),
            pixels,
            masks);
        garments[2 * i] = labels[left];
        garments[2 * i + 1] = labels[right];
        caption = Captions.pair(labels[left], labels[right], r.nextBoolean());
        namedSlot[i] = r.nextInt(2);
      } else {
        paste(
            items,
            i,
            i,
            0,
            r.nextInt(CANVAS - ITEM + 1),
            r.nextInt(CANVAS - ITEM + 1),
            pixels,
            masks);
        garments[2 * i] = labels[i];
        garments[2 * i + 1] = -1;
        caption = Captions.single(labels[i]);
        namedSlot[i] = 0;
      }
      System.arraycopy(caption, 0, captions, i * Captions.CONTEXT, Captions.CONTEXT);
      long[] one = Captions.single(garments[2 * i + namedSlot[i]]);
      System.arraycopy(one, 0, named, i * Captions.CONTEXT, Captions.CONTEXT);
    }
    return new Set(pixels, captions, named, garments, masks, namedSlot);
  }

  /**
   * Pastes a garment's object pixels; a later garment covers an earlier one, whose mask then loses
   * the covered pixels.
   */
  private static void paste(
      LabeledImages items,
      int item,
      int scene,
      int slot,
      int ox,
      int oy,
      float[] pixels,
      float[] masks) {
    int per = CANVAS * CANVAS;
    for (int y = 0; y < ITEM; y++) {
      for (int x = 0; x < ITEM; x++) {
        float v = items.pixel(item, 0, y, x);
        if (v > FashionScenes.OBJECT_THRESHOLD) {
          int p = (oy + y) * CANVAS + ox + x;
          pixels[scene * per + p] = v;
          for (int other = 0; other < slot; other++) {
            masks[(2 * scene + other) * per + p] = 0f;
          }
          masks[(2 * scene + slot) * per + p] = 1f;
        }
      }
    }
  }
}
