package dev.ibex.training.data;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

/**
 * An in-memory labelled image set: (N, C, H, W) floats in [0, 1], one class label per image and,
 * for benchmark sets, one binary object mask (N, 1, H, W) per image.
 */
public final class LabeledImages {
  private final float[] pixels;
  private final int[] labels;
  private final float[] masks;
  private final int channels;
  private final int height;
  private final int width;
  private final int classes;

  /**
   * @param pixels images, row-major (N, C, H, W)
   * @param labels class per image
   * @param masks object masks (N, 1, H, W), or {@code null}
   * @param channels C
   * @param height H
   * @param width W
   * @param classes number of classes
   */
  public LabeledImages(float[] pixels, int[] labels, float[] masks, int channels, int height, int width, int classes) {
    int per = channels * height * width;
    checkArgument(pixels.length == (long) labels.length * per, "pixels do not match %s images of %sx%sx%s", labels.length, channels, height, width);
    checkArgument(masks == null || masks.length == (long) labels.length * height * width, "masks do not match the images");
    this.pixels = pixels;
    this.labels = labels;
    this.masks = masks;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.classes = classes;
  }

  /** @return number of images */
  public int size() {
    return labels.length;
  }

  /** @return the shape of one image, (C, H, W) */
  public Shape imageShape() {
    return new Shape(channels, height, width);
  }

  /** @return number of classes */
  public int classes() {
    return classes;
  }

  /** @return the labels (a copy) */
  public int[] labels() {
    return labels.clone();
  }

  /** @return whether the set carries object masks */
  public boolean hasMasks() {
    return masks != null;
  }

  /**
   * The first {@code n} images (or all, if fewer).
   *
   * @param n how many
   * @return a view-copy of the head
   */
  public LabeledImages head(int n) {
    int k = Math.min(n, size());
    int per = channels * height * width;
    return new LabeledImages(
        Arrays.copyOf(pixels, k * per), Arrays.copyOf(labels, k),
        masks == null ? null : Arrays.copyOf(masks, k * height * width), channels, height, width, classes);
  }

  /**
   * A permutation of the indices, the same for the same seed.
   *
   * @param seed the seed
   * @return shuffled indices
   */
  public int[] shuffled(long seed) {
    int[] idx = new int[size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Random r = new Random(seed);
    for (int i = idx.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx;
  }

  /**
   * The images at some indices as one (n, C, H, W) float32 batch.
   *
   * @param manager where the batch lives
   * @param indices which images
   * @return the batch
   */
  public NDArray images(NDManager manager, int[] indices) {
    int per = channels * height * width;
    float[] out = new float[indices.length * per];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(pixels, indices[i] * per, out, i * per, per);
    }
    return manager.create(out, new Shape(indices.length, channels, height, width));
  }

  /**
   * Labels at some indices as an (n,) int64 array.
   *
   * @param manager where the array lives
   * @param indices which images
   * @return the labels
   */
  public NDArray labels(NDManager manager, int[] indices) {
    long[] out = new long[indices.length];
    for (int i = 0; i < indices.length; i++) {
      out[i] = labels[indices[i]];
    }
    return manager.create(out);
  }

  /**
   * Object masks at some indices, (n, 1, H, W) with 1 on the object.
   *
   * @param manager where the array lives
   * @param indices which images
   * @return the masks, if the set has them
   */
  public Optional<NDArray> masks(NDManager manager, int[] indices) {
    if (masks == null) {
      return Optional.empty();
    }
    int per = height * width;
    float[] out = new float[indices.length * per];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(masks, indices[i] * per, out, i * per, per);
    }
    return Optional.of(manager.create(out, new Shape(indices.length, 1, height, width)));
  }

  /** @return indices 0..n-1 from {@code start}, clipped to the set */
  int[] range(int start, int n) {
    int k = Math.max(0, Math.min(n, size() - start));
    int[] idx = new int[k];
    for (int i = 0; i < k; i++) {
      idx[i] = start + i;
    }
    return idx;
  }

  /**
   * Indices {@code [start, start + n)} clipped to the set.
   *
   * @param start first index
   * @param n how many
   * @return the indices
   */
  public int[] indices(int start, int n) {
    return range(start, n);
  }

  float pixel(int image, int c, int y, int x) {
    return pixels[((image * channels + c) * height + y) * width + x];
  }
}
