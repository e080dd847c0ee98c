package dev.ibex.demo;

import java.util.Map;
import java.util.Optional;

/**
 * The S-IB paper's own numbers to set beside the demo's: ResNet-50 on CUB-200, baseline → S-IB, in
 * percent (Shu, Luo and Meng, Tables 2, 4 and 5).
 */
public final class SibPaper {
  /** Where the numbers come from, for the report. */
  public static final String SOURCE = "S-IB paper, ResNet-50 on CUB-200 (Tables 2, 4, 5), percent";

  /** A baseline → S-IB pair. */
  public record Pair(double baseline, double sib) {
    /**
     * @return S-IB minus baseline
     */
    public double change() {
      return sib - baseline;
    }
  }

  /** Top-1 accuracy, Table 2. */
  public static final Pair TOP1 = new Pair(75.63, 78.15);

  private static final Map<String, Map<String, Pair>> TABLES =
      Map.of(
          "saliency", row(77.39, 77.43, 38.87, 38.91, 49.51, 50.14, 31.56, 36.92, 5.63, 5.82),
          "guided-backprop",
              row(77.38, 78.41, 38.82, 38.83, 58.56, 59.25, 42.12, 49.99, 3.58, 4.60),
          "integrated-gradients",
              row(78.21, 78.23, 40.97, 40.98, 56.49, 57.74, 42.80, 50.81, 4.23, 5.63),
          "grad-cam", row(77.10, 77.42, 53.80, 54.18, 52.84, 56.48, 56.90, 70.07, 12.79, 9.19),
          "grad-cam-plus-plus",
              row(75.43, 75.97, 55.00, 55.43, 62.06, 62.79, 56.68, 69.86, 12.55, 8.70),
          "score-cam", row(75.31, 75.78, 54.95, 55.36, 63.40, 66.03, 56.52, 70.02, 12.02, 8.58));

  private SibPaper() {}

  private static Map<String, Pair> row(double... v) {
    return Map.of(
        "pixel-accuracy", new Pair(v[0], v[1]),
        "miou", new Pair(v[2], v[3]),
        "map", new Pair(v[4], v[5]),
        "insertion", new Pair(v[6], v[7]),
        "deletion", new Pair(v[8], v[9]));
  }

  /**
   * The paper's numbers for a method and metric, if it reports them (it reports no pointing game;
   * its info-differential is z-scored across models, not comparable in value).
   *
   * @param method an attribution method
   * @param metric a metric
   * @return baseline → S-IB in percent
   */
  public static Optional<Pair> of(String method, String metric) {
    return Optional.ofNullable(TABLES.getOrDefault(method, Map.of()).get(metric));
  }
}
