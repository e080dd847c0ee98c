package dev.ibex.training.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/** Labelled images the trainer reads by index: (n, C, H, W) batches and their class labels. */
public interface LabeledData {
  /**
   * @return number of images
   */
  int size();

  /**
   * @return the shape of one image, (C, H, W)
   */
  Shape imageShape();

  /**
   * The images at some indices as one batch.
   *
   * @param manager where the batch lives
   * @param indices which images
   * @return (n, C, H, W) float32
   */
  NDArray images(NDManager manager, int[] indices);

  /**
   * The labels at some indices.
   *
   * @param manager where the array lives
   * @param indices which images
   * @return (n,) class indices
   */
  NDArray labels(NDManager manager, int[] indices);

  /**
   * A permutation of the indices, the same for the same seed (the trainer's order of an epoch).
   *
   * @param seed the seed
   * @return shuffled indices
   */
  default int[] shuffled(long seed) {
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
   * Indices {@code [start, start + n)} clipped to the set.
   *
   * @param start first index
   * @param n how many
   * @return the indices
   */
  default int[] indices(int start, int n) {
    int k = Math.max(0, Math.min(n, size() - start));
    int[] idx = new int[k];
    for (int i = 0; i < k; i++) {
      idx[i] = start + i;
    }
    return idx;
  }
}
