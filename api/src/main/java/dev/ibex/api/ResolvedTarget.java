package dev.ibex.api;

import ai.djl.ndarray.NDArray;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * A {@link Target} bound to a batch of samples: it can score any batch of rows derived from them.
 */
public interface ResolvedTarget {
  /**
   * Scores rows derived from the samples (see {@link ScoreFunction}).
   *
   * @param output model output for the rows
   * @param sampleOfRow the sample each row derives from
   * @return (rows,) scores
   */
  NDArray score(NDArray output, int[] sampleOfRow);

  /**
   * Scores one row per sample, in order.
   *
   * @param output model output with one row per sample
   * @return (samples,) scores
   */
  default NDArray score(NDArray output) {
    return score(output, IntStream.range(0, (int) output.getShape().get(0)).toArray());
  }

  /**
   * The class index per sample, where the target is a class (fixed, per-sample or predicted).
   *
   * @return class per sample, empty for score-function targets
   */
  Optional<int[]> classes();
}
