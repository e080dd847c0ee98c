package dev.ibex.demo;

import java.util.List;

/**
 * The AIB paper's numbers the demo sets its results beside (Lai et al., IJCAI 2021, CIFAR-10, VGG
 * backbone): Table 1's top-1 error of VGG and VGG-aib-qt, and Table 2's interpretability scores of
 * VGG-att3 (the attention baseline) and VGG-aib-qt.
 */
public final class AibPaper {
  /** Where the numbers come from. */
  public static final String SOURCE = "Lai et al. 2021, CIFAR-10, VGG backbone, Tables 1 and 2";

  /** Side of the paper's images (CIFAR): occlusion sizes and radii are scaled from it. */
  public static final int SIDE = 32;

  /** Table 1: top-1 accuracy (100 − error) of VGG and VGG-aib-qt, in percent. */
  public static final Pair TOP1 = new Pair(100 - 7.77, 100 - 4.10);

  /**
   * Table 2, one modification: the attention baseline (VGG-att3) and VGG-aib-qt, in percent.
   *
   * @param label the modification as the paper names it
   * @param kind the interpretability-score metric's {@code modification}
   * @param paperParameter p (block side) or r (radius) on the paper's 32-pixel images
   * @param scores VGG-att3 → VGG-aib-qt
   */
  public record Modification(String label, String kind, int paperParameter, Pair scores) {}

  /** Table 2's CIFAR-10 rows: colour blocks of side p, high-pass r > 4, low-pass r < 12. */
  public static final List<Modification> MODIFICATIONS =
      List.of(
          new Modification("colour block p=4", "colour-block", 4, new Pair(91.46, 99.26)),
          new Modification("colour block p=8", "colour-block", 8, new Pair(79.61, 99.79)),
          new Modification("colour block p=12", "colour-block", 12, new Pair(37.71, 91.10)),
          new Modification("colour block p=16", "colour-block", 16, new Pair(7.12, 18.36)),
          new Modification("high-pass r>4", "high-pass", 4, new Pair(83.06, 99.96)),
          new Modification("low-pass r<12", "low-pass", 12, new Pair(49.61, 73.52)));

  /**
   * A baseline and an AIB number, in percent.
   *
   * @param baseline the model without AIB (Table 1) or the attention baseline (Table 2)
   * @param aib VGG-aib-qt
   */
  public record Pair(double baseline, double aib) {
    /**
     * @return aib − baseline
     */
    public double change() {
      return aib - baseline;
    }
  }

  private AibPaper() {}
}
