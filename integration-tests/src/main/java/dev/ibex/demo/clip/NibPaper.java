package dev.ibex.demo.clip;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The NIB paper's Table 2 (Zhu et al., ICLR 2025; CLIP ViT-B/32): image and text confidence drop
 * (lower is better) and increase (higher is better, a percentage of samples) and FPS for each
 * method on Conceptual Captions, ImageNet and Flickr8k, as printed. The paper claims NIB is best on
 * every drop and increase column (it ties on some).
 */
public final class NibPaper {
  /** The data sets of the table, in column order of {@link #value}. */
  public static final List<String> DATASETS =
      List.of("conceptual-captions", "imagenet", "flickr8k");

  // method -> metric key -> {CC, ImageNet, Flickr8k}
  private static final Map<String, Map<String, double[]>> TABLE =
      Map.of(
          "m2ib",
              row(
                  1.1171, 1.1615, 1.4731, 39.3, 49.4, 28.1, 1.706, 2.6018, 2.0783, 37.4, 25.4, 34.7,
                  0.6621, 0.7995, 0.7397),
          "rise",
              row(
                  1.4197, 1.001, 3.01, 28.8, 54, 5.7, 0.8002, 0.9928, 0.8914, 43.95, 46.8, 46.4,
                  0.1, 0.1084, 0.1076),
          "grad-cam",
              row(
                  4.1064, 2.5483, 5.1869, 20.2, 33.9, 13.6, 1.7994, 2.6424, 2.1823, 34.4, 25.7,
                  34.2, 1.1686, 2.3115, 1.958),
          "chefer",
              row(
                  2.0138, 1.6636, 2.6214, 33.65, 44, 26.8, 0.9333, 1.6732, 1.362, 45.3, 29.9, 42.6,
                  1.272, 2.7867, 2.4601),
          "saliency",
              row(
                  10.4351, 4.7331, 12.154, 2.95, 16.4, 0.1, 1.0723, 1.7631, 1.0797, 40.05, 33.1,
                  45.9, 0.928, 1.5711, 1.3973),
          "mfaba",
              row(
                  10.1878, 5.0242, 12.07, 2.6, 12.7, 0.1, 1.0503, 1.7437, 1.1551, 36.25, 28.5, 42.6,
                  0.2494, 0.2758, 0.2748),
          "fast-ig",
              row(
                  10.5117, 4.7905, 12.2244, 2.9, 16.9, 0.1, 0.9718, 1.6486, 1.3098, 41.25, 34.8,
                  43.9, 0.9384, 1.5384, 1.3944),
          "nib",
              row(
                  0.9439, 0.9012, 1.4495, 42.5, 53.1, 28.1, 0.2705, 0.4193, 0.4562, 43.95, 56.1,
                  55.3, 1.5817, 2.4481, 2.1995));

  private NibPaper() {}

  private static Map<String, double[]> row(double... v) {
    return Map.of(
        "image/confidence-drop", new double[] {v[0], v[1], v[2]},
        "image/confidence-increase", new double[] {v[3], v[4], v[5]},
        "text/confidence-drop", new double[] {v[6], v[7], v[8]},
        "text/confidence-increase", new double[] {v[9], v[10], v[11]},
        "fps", new double[] {v[12], v[13], v[14]});
  }

  /**
   * A value of the table.
   *
   * @param method an attributor's name ({@code nib}, {@code m2ib}, {@code rise}, {@code grad-cam},
   *     {@code chefer}, {@code saliency}, {@code mfaba}, {@code fast-ig})
   * @param side {@code image} or {@code text}
   * @param metric {@code confidence-drop}, {@code confidence-increase} or {@code fps} (the side is
   *     ignored for fps)
   * @return the three data sets' values, or empty where the paper has none
   */
  public static Optional<double[]> value(String method, String side, String metric) {
    Map<String, double[]> m = TABLE.get(method);
    if (m == null) {
      return Optional.empty();
    }
    double[] v = m.get(metric.equals("fps") ? "fps" : side + "/" + metric);
    return Optional.ofNullable(v).map(double[]::clone);
  }

  /**
   * Whether the paper has NIB better than {@code method} on a metric on every data set.
   *
   * @param method another method
   * @param side {@code image} or {@code text}
   * @param metric {@code confidence-drop} or {@code confidence-increase}
   * @return empty if the paper has no such value; true where NIB is better or equal on all three
   */
  public static Optional<Boolean> nibBetter(String method, String side, String metric) {
    Optional<double[]> other = value(method, side, metric);
    Optional<double[]> nib = value("nib", side, metric);
    if (other.isEmpty() || nib.isEmpty()) {
      return Optional.empty();
    }
    boolean lower = metric.equals("confidence-drop");
    for (int d = 0; d < 3; d++) {
      double n = nib.get()[d];
      double o = other.get()[d];
      if (lower ? n > o : n < o) {
        return Optional.of(false);
      }
    }
    return Optional.of(true);
  }
}
