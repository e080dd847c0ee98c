package dev.ibex.demo;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ibex.training.engine.LabeledData;
import java.util.Arrays;
import java.util.Optional;

/**
 * An in-memory labelled image set: (N, C, H, W) floats in [0, 1], one class label per image and,
 * for benchmark sets, one binary object mask (N, 1, H, W) per image. The trainer reads it as {@link
 * LabeledData} (whose shuffling and index ranges it inherits).
 */
public final class LabeledImages implements LabeledData {
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
  public LabeledImages(
      float[] pixels,
      int[] labels,
      float[] masks,
      int channels,
      int height,
      int width,
      int classes) {
    int per = channels * height * width;
    checkArgument(
        pixels.length == (long) labels.length * per,
        "pixels do not match %s images of %sx%sx%s",
        labels.length,
        channels,
        height,
        width);
    checkArgument(
        masks == null || masks.length == (long) labels.length * height * width,
        "masks do not match the images");
    this.pixels = pixels;
    this.labels = labels;
    this.masks = masks;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.classes = classes;
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public Shape imageShape() {
    return new Shape(channels, height, width);
  }

  /**
   * @return number of classes
   */
  public int classes() {
    return classes;
  }

  /**
   * @return the labels (a copy)
   */
  public int[] labels() {
    return labels.clone();
  }

  /**
   * @return whether the set carries object masks
   */
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
        Arrays.copyOf(pixels, k * per),
        Arrays.copyOf(labels, k),
        masks == null ? null : Arrays.copyOf(masks, k * height * width),
        channels,
        height,
        width,
        classes);
  }

  /**
   * The images {@code from} (inclusive) to {@code to} (exclusive), e.g. a validation split.
   *
   * @param from first index
   * @param to end index, at most {@link #size()}
   * @return a copy of the range
   */
  public LabeledImages range(int from, int to) {
    checkArgument(0 <= from && from <= to && to <= size(), "range %s..%s of %s", from, to, size());
    int per = channels * height * width;
    return new LabeledImages(
        Arrays.copyOfRange(pixels, from * per, to * per),
        Arrays.copyOfRange(labels, from, to),
        masks == null
            ? null
            : Arrays.copyOfRange(masks, from * height * width, to * height * width),
        channels,
        height,
        width,
        classes);
  }

  /**
   * The object's bounding box, exact: the smallest box holding every mask pixel.
   *
   * @param image which image
   * @return {x0, y0, x1, y1}, inclusive, or empty if the set has no masks or the mask is empty
   */
  public Optional<int[]> box(int image) {
    if (masks == null) {
      return Optional.empty();
    }
    int x0 = width;
    int y0 = height;
    int x1 = -1;
    int y1 = -1;
    int base = image * height * width;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if (masks[base + y * width + x] > 0) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
      }
    }
    return x1 < 0 ? Optional.empty() : Optional.of(new int[] {x0, y0, x1, y1});
  }

  /**
   * The images at some indices as one (n, C, H, W) float32 batch.
   *
   * @param manager where the batch lives
   * @param indices which images
   * @return the batch
   */
  @Override
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
  @Override
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

  /**
   * One pixel.
   *
   * @param image which image
   * @param c channel
   * @param y row
   * @param x column
   * @return its value
   */
  public float pixel(int image, int c, int y, int x) {
    return pixels[((image * channels + c) * height + y) * width + x];
  }
}
