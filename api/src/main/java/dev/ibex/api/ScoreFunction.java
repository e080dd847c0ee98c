package dev.ibex.api;

import ai.djl.ndarray.NDArray;

/**
 * A differentiable scalar score per row of a model output: what an attribution explains.
 *
 * <p>Batched methods push many variants of each sample through the model at once (integration
 * steps, noise draws, masks); {@code sampleOfRow[r]} says which original sample row {@code r}
 * belongs to, so a score can use per-sample data such as a target embedding.
 */
@FunctionalInterface
public interface ScoreFunction {
  /**
   * Scores each row.
   *
   * @param output the model output for a batch of rows, e.g. (rows, classes) or (rows, dim)
   * @param sampleOfRow for each row, the index of the original sample it derives from
   * @return a (rows,) array, differentiable with respect to {@code output}
   */
  NDArray score(NDArray output, int[] sampleOfRow);
}
