package dev.ibex.api.spi;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.ResolvedTarget;
import dev.ibex.api.Target;
import dev.ibex.api.options.Options;
import dev.ibex.api.options.StandardOptions;
import java.util.Locale;

/**
 * What the {@code score} option means, for attributors and metrics alike: the score of a class
 * target is its softmax probability ({@link #SOFTMAX}, the RISE, MFABA and pytorch-grad-cam metric
 * authors' choice) or the target's own score, its logit ({@link #TARGET}). A score-function target
 * (e.g. {@code Target.cosineSimilarity}) is always scored by its function: a softmax over embedding
 * dimensions would mean nothing.
 */
public enum ScoreMode {
  /** The softmax probability of the target class. */
  SOFTMAX,
  /** The target's own score: the logit of a class target. */
  TARGET;

  /**
   * Reads the {@link StandardOptions#SCORE} option.
   *
   * @param options options whose schema has {@code score}
   * @return the mode
   */
  public static ScoreMode of(Options options) {
    return valueOf(options.getString(StandardOptions.SCORE.name()).toUpperCase(Locale.ROOT));
  }

  /**
   * Refuses {@link #SOFTMAX} with a score-function target, for methods whose published protocol is
   * the softmax probability (RISE, MFABA): running them on a cosine under the default {@code
   * score=softmax} would pass the function off as the authors' protocol, so the caller says {@code
   * score=target} explicitly. Metrics do not call this: they score the function.
   *
   * @param target the call's target
   * @param plugin the plugin's name, for the message
   * @throws InvalidOptionException if this is {@link #SOFTMAX} and the target is a score function
   */
  public void requireClassTargetForSoftmax(Target target, String plugin) {
    if (this == SOFTMAX && !target.needsModelOutput()) {
      throw new InvalidOptionException(
          plugin
              + ": score=softmax needs a class target; use score=target for a score-function target");
    }
  }

  /**
   * Scores rows of model output.
   *
   * @param target the resolved target
   * @param output (rows, …) model output
   * @param sampleOfRow the sample each row derives from
   * @return (rows,) scores, differentiable with respect to the output
   */
  public NDArray score(ResolvedTarget target, NDArray output, int[] sampleOfRow) {
    boolean softmax = this == SOFTMAX && target.classes().isPresent();
    return target.score(softmax ? output.softmax(1) : output, sampleOfRow);
  }
}
