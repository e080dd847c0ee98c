package dev.ibex.cli;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as an SVG data URI (the page stays self-contained): one polyline per series,
 * smoothed by a moving mean, with its y range and a legend. Used for the demo's training curves.
 */
final class LineChart {
  private static final int WIDTH = 560;
  private static final int HEIGHT = 240;
  private static final int PAD = 40;

  /** One line: its legend name, CSS colour, dash pattern (empty: solid) and values. */
  record Series(String name, String colour, String dash, List<Double> values) {}

  private LineChart() {}

  /**
   * Draws the chart.
   *
   * @param title the chart's title
   * @param xLabel what the x axis counts
   * @param series the lines
   * @param window moving-mean window, at least 1
   * @return {@code data:image/svg+xml;base64,...}
   */
  static String svg(String title, String xLabel, List<Series> series, int window) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    int longest = 1;
    List<double[]> smoothed = new java.util.ArrayList<>();
    for (Series s : series) {
      double[] v = smooth(s.values(), window);
      smoothed.add(v);
      longest = Math.max(longest, v.length);
      for (double d : v) {
        if (Double.isFinite(d)) {
          lo = Math.min(lo, d);
          hi = Math.max(hi, d);
        }
      }
    }
    if (!(hi > lo)) {
      lo = Double.isFinite(lo) ? lo - 1 : 0;
      hi = lo + 2;
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">",
            WIDTH,
            HEIGHT + 20 * series.size()));
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
    sb.append(
        String.format(
            Locale.ROOT, "<text x=\"%d\" y=\"14\" font-size=\"13\">%s</text>", PAD, escape(title)));
    sb.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>",
            PAD,
            20,
            WIDTH - 2 * PAD,
            HEIGHT - PAD - 20));
    sb.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"28\">%s</text>", escape(format(hi))));
    sb.append(
        String.format(
            Locale.ROOT, "<text x=\"2\" y=\"%d\">%s</text>", HEIGHT - PAD, escape(format(lo))));
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\">%s</text>",
            WIDTH / 2 - 40,
            HEIGHT - PAD + 16,
            escape(xLabel)));
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      double[] v = smoothed.get(i);
      StringBuilder pts = new StringBuilder();
      for (int k = 0; k < v.length; k++) {
        if (!Double.isFinite(v[k])) {
          continue;
        }
        double x = PAD + (WIDTH - 2.0 * PAD) * (v.length == 1 ? 0.5 : (double) k / (longest - 1));
        double y = 20 + (HEIGHT - PAD - 20.0) * (hi - v[k]) / (hi - lo);
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"%s\" points=\"%s\"/>",
              s.colour(),
              s.dash(),
              pts.toString().trim()));
      int ly = HEIGHT + 20 * i;
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"%s\"/>",
              PAD,
              ly - 4,
              PAD + 30,
              ly - 4,
              s.colour(),
              s.dash()));
      sb.append(
          String.format(
              Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>", PAD + 36, ly, escape(s.name())));
    }
    sb.append("</svg>");
    return "data:image/svg+xml;base64,"
        + Base64.getEncoder().encodeToString(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static double[] smooth(List<Double> values, int window) {
    int n = values.size() / window;
    if (n == 0) {
      n = values.isEmpty() ? 0 : 1;
      window = values.size();
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (int k = i * window; k < (i + 1) * window; k++) {
        sum += values.get(k);
      }
      out[i] = sum / window;
    }
    return out;
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
