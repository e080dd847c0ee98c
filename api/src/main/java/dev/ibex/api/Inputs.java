package dev.ibex.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Checks on user tensors that fail with an {@link InvalidInputException} naming the problem. */
public final class Inputs {
  private Inputs() {}

  /**
   * Requires a tensor of the given rank.
   *
   * @param array the tensor
   * @param rank wanted rank
   * @param what what the tensor is, for the message (e.g. "input")
   * @param layout the expected axes, e.g. "(N, C, H, W)"
   */
  public static void requireRank(NDArray array, int rank, String what, String layout) {
    Shape s = array.getShape();
    if (s.dimension() != rank) {
      throw new InvalidInputException(
          what
              + " must have rank "
              + rank
              + " "
              + layout
              + ", got rank "
              + s.dimension()
              + " "
              + s);
    }
  }

  /**
   * Requires a non-empty floating-point tensor with no NaN or infinity.
   *
   * @param array the tensor
   * @param what what the tensor is, for the message
   */
  public static void requireFinite(NDArray array, String what) {
    if (array.getShape().size() == 0) {
      throw new InvalidInputException(what + " is empty: " + array.getShape());
    }
    if (!array.getDataType().isFloating()) {
      throw new InvalidInputException(what + " must be floating point, got " + array.getDataType());
    }
    long nan;
    long inf;
    // the masks and counts are closed here: left on the caller's manager they pile up per call
    try (NDArray isNan = array.isNaN();
        NDArray nanCount = isNan.countNonzero();
        NDArray isInf = array.isInfinite();
        NDArray infCount = isInf.countNonzero()) {
      nan = nanCount.getLong();
      inf = infCount.getLong();
    }
    if (nan > 0) {
      throw new InvalidInputException(what + " contains " + nan + " NaN value(s)");
    }
    if (inf > 0) {
      throw new InvalidInputException(what + " contains " + inf + " infinite value(s)");
    }
  }

  /**
   * The usual check for an image batch: rank 4, finite.
   *
   * @param input the batch
   */
  public static void requireImageBatch(NDArray input) {
    requireRank(input, 4, "input", "(N, C, H, W)");
    requireFinite(input, "input");
  }
}
