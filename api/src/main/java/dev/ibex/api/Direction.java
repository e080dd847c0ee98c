package dev.ibex.api;

/** Which way a metric's score improves. */
public enum Direction {
  /** Larger scores are better (e.g. insertion AUC, pointing-game accuracy). */
  HIGHER_IS_BETTER,
  /** Smaller scores are better (e.g. deletion AUC, max-sensitivity). */
  LOWER_IS_BETTER
}
