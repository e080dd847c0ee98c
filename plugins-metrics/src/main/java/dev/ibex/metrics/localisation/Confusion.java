package dev.ibex.metrics.localisation;

/**
 * A binarised map against its mask, pixel by pixel.
 *
 * @param tp predicted and in the mask
 * @param fp predicted, outside the mask
 * @param fn in the mask, not predicted
 * @param tn neither
 */
record Confusion(int tp, int fp, int fn, int tn) {

  /**
   * @return the number of pixels
   */
  int pixels() {
    return tp + fp + fn + tn;
  }
}
