package dev.ibex.training.engine;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/** Which DJL optimizer updates the parameters. */
public enum OptimizerKind {
  /** Adam (β1 0.9, β2 0.999). */
  ADAM,
  /** SGD with momentum 0.9. */
  SGD;

  /**
   * A new optimizer of this kind.
   *
   * @param rate the learning-rate tracker
   * @param weightDecay L2 weight decay
   * @return the optimizer (it keeps per-parameter state: one per run)
   */
  Optimizer create(Tracker rate, float weightDecay) {
    if (this == SGD) {
      return Optimizer.sgd()
          .setLearningRateTracker(rate)
          .optMomentum(0.9f)
          .optWeightDecays(weightDecay)
          .build();
    }
    return Optimizer.adam().optLearningRateTracker(rate).optWeightDecays(weightDecay).build();
  }
}
