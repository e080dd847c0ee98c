package dev.ibex.api;

import dev.ibex.api.options.Options;

/**
 * A training regulariser: it contributes a loss term, and possibly its own trainable blocks, to
 * each training step of a classifier. Stateless factory; {@link #create} makes the per-run term.
 */
public interface Regularizer extends Plugin {
  /**
   * Creates the term for one training run.
   *
   * @param options validated options from {@link #options()}
   * @return the term (close it when training ends)
   */
  RegularizerTerm create(Options options);
}
