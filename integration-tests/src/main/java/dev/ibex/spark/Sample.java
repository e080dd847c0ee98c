package dev.ibex.spark;

/**
 * One model input taken from a file: an image, or one sample of a {@code .npy} shard.
 *
 * @param path the file it comes from, as Spark names it
 * @param index its position in the file (0 for an image)
 * @param values the (C, H, W) pixels, channel-major
 * @param shape (C, H, W)
 */
record Sample(String path, int index, float[] values, long[] shape) {
  /** Whether two samples can share a batch. */
  boolean sameShape(Sample other) {
    return java.util.Arrays.equals(shape, other.shape);
  }
}
