package dev.ibex.metrics.faithfulness;

import dev.ibex.api.spi.Chunks;
import dev.ibex.api.spi.ImageBatch;
import dev.ibex.api.spi.ModelScorer;
import java.util.Arrays;

/**
 * Scores a fixed number of perturbed copies of every image through the model: the rows are built on
 * demand, sample-major (the copies of sample 0, then of sample 1, …), so that only one chunk of
 * them is in memory at a time.
 */
final class Perturbations {
  private Perturbations() {}

  /** Builds one perturbed copy of an image. */
  @FunctionalInterface
  interface Copy {
    /**
     * @param sample the image's index in the batch
     * @param k which of its copies
     * @return the copy's C·H·W values
     */
    float[] build(int sample, int k);
  }

  /**
   * @param scorer the model scorer of the call
   * @param x the images
   * @param perSample copies of each image
   * @param copy builds copy k of image i
   * @return {@code scores[i][k]}, the score of copy k of image i
   */
  static double[][] score(ModelScorer scorer, ImageBatch x, int perSample, Copy copy) {
    int n = x.samples();
    double[] s =
        scorer.scoreRows(
            x,
            r -> copy.build(r / perSample, r % perSample),
            Chunks.sampleMajor(0, n * perSample, perSample));
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      out[i] = Arrays.copyOfRange(s, i * perSample, (i + 1) * perSample);
    }
    return out;
  }
}
