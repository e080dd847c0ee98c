package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** Renders attribution maps as PNG overlays on their input and lists them on an HTML page. */
public final class Heatmaps {
  private Heatmaps() {}

  /**
   * Reduces an attribution to one (H, W) map per sample for display: per-pixel maps are summed in
   * absolute value over channels.
   *
   * @param values (N,C,H,W) or (N,H,W) attribution
   * @param sample sample index
   * @return the map, row-major, with its height and width
   */
  public static float[][] displayMap(NDArray values, int sample) {
    NDArray v = values.get(sample);
    if (v.getShape().dimension() == 3) {
      v = v.abs().sum(new int[] {0});
    }
    if (v.getShape().dimension() != 2) {
      throw new IllegalArgumentException(
          "cannot render an attribution of shape " + values.getShape());
    }
    int h = (int) v.getShape().get(0);
    int w = (int) v.getShape().get(1);
    float[] flat = v.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    float[][] out = new float[h][w];
    for (int y = 0; y < h; y++) {
      System.arraycopy(flat, y * w, out[y], 0, w);
    }
    return out;
  }

  /**
   * The value range a map was scaled from: its minimum shows as dark blue, its maximum as dark red.
   */
  public record Range(float lo, float hi) {
    /**
     * The range as text, e.g. "[0.0012, 0.53]"; a constant map shows all dark blue, and says so.
     */
    public String text() {
      return lo == hi
          ? String.format(Locale.ROOT, "constant %.3g (all dark blue)", lo)
          : String.format(Locale.ROOT, "[%.3g, %.3g]", lo, hi);
    }
  }

  /** What the colour bar says about every overlay PNG written by {@link #overlay}. */
  static final String MAP_MEANING =
      "Each heatmap is a pair: left the input, right the attribution map blended 50/50 "
          + "over it. Each map is min-max scaled on its own, so colours compare places within one image, not across "
          + "images: dark blue is that map's minimum, dark red its maximum (the range is under the image where known). "
          + "Per-pixel maps show the sum over channels of |attribution|.";

  /**
   * Writes a PNG atomically: the input (min-max scaled, grey or RGB) with the map blended on top in
   * a jet colour map, upscaled by {@code scale} with nearest neighbours so small inputs stay
   * visible.
   *
   * @param image (C,H,W) input sample, C = 1 or 3 (other C: first channel)
   * @param map (H,W) map
   * @param scale pixel scale factor
   * @param file the PNG to write
   * @return the map's value range, which the colours span
   * @throws IOException on write failure
   */
  public static Range overlay(NDArray image, float[][] map, int scale, Path file)
      throws IOException {
    int h = map.length;
    int w = map[0].length;
    int c = (int) image.getShape().get(0);
    float[] img = image.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float f : img) {
      lo = Math.min(lo, f);
      hi = Math.max(hi, f);
    }
    float mlo = Float.POSITIVE_INFINITY;
    float mhi = Float.NEGATIVE_INFINITY;
    for (float[] row : map) {
      for (float f : row) {
        mlo = Math.min(mlo, f);
        mhi = Math.max(mhi, f);
      }
    }
    int ih = (int) image.getShape().get(1);
    int iw = (int) image.getShape().get(2);
    BufferedImage out = new BufferedImage(w * scale * 2, h * scale, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int sy = y * ih / h;
        int sx = x * iw / w;
        float[] rgb = new float[3];
        for (int k = 0; k < 3; k++) {
          int ch = c == 3 ? k : 0;
          rgb[k] = hi > lo ? (img[(ch * ih + sy) * iw + sx] - lo) / (hi - lo) : 0.5f;
        }
        float m = mhi > mlo ? (map[y][x] - mlo) / (mhi - mlo) : 0f;
        float[] jet = jet(m);
        int left = pack(rgb);
        float[] blend = new float[3];
        for (int k = 0; k < 3; k++) {
          blend[k] = 0.5f * rgb[k] + 0.5f * jet[k];
        }
        int right = pack(blend);
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            out.setRGB(x * scale + dx, y * scale + dy, left);
            out.setRGB(w * scale + x * scale + dx, y * scale + dy, right);
          }
        }
      }
    }
    AtomicFiles.write(
        file,
        stream -> {
          if (!ImageIO.write(out, "png", stream)) { // false: no PNG writer, and nothing was written
            throw new IOException("no PNG writer available");
          }
        });
    return new Range(mlo, mhi);
  }

  /**
   * One tile of a heatmap grid as a PNG data URI (the page stays self-contained): a grey image, or
   * the image blended half and half with a map in the jet colours (each scaled by its own min-max).
   *
   * @param image (side * side) grey values, row-major
   * @param map (side * side) map, or {@code null} for the image alone
   * @param side H = W
   * @param scale pixel scale factor
   * @return {@code data:image/png;base64,...}
   * @throws IOException if no PNG writer is available
   */
  public static String tile(float[] image, float[] map, int side, int scale) throws IOException {
    float[] im = minMax(image);
    float[] m = map == null ? null : minMax(map);
    BufferedImage out = new BufferedImage(side * scale, side * scale, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        float g = im[y * side + x];
        float[] rgb = {g, g, g};
        if (m != null) {
          float[] jet = jet(m[y * side + x]);
          for (int k = 0; k < 3; k++) {
            rgb[k] = 0.5f * g + 0.5f * jet[k];
          }
        }
        int c = pack(rgb);
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            out.setRGB(x * scale + dx, y * scale + dy, c);
          }
        }
      }
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    if (!ImageIO.write(out, "png", bytes)) {
      throw new IOException("no PNG writer available");
    }
    return "data:image/png;base64,"
        + java.util.Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  private static float[] minMax(float[] v) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float f : v) {
      lo = Math.min(lo, f);
      hi = Math.max(hi, f);
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = hi > lo ? (v[i] - lo) / (hi - lo) : 0f;
    }
    return out;
  }

  /**
   * Writes an index.html that shows PNGs with captions, the colour bar and what it means.
   *
   * @param dir the directory (the page goes to dir/index.html)
   * @param title page title
   * @param intro a paragraph of plain text under the title
   * @param images file names relative to dir, with their captions
   * @throws IOException on write failure
   */
  public static void page(Path dir, String title, String intro, List<String[]> images)
      throws IOException {
    List<ReportPage.Figure> figures =
        images.stream().map(im -> new ReportPage.Figure(im[0], List.of(im[1]))).toList();
    new ReportPage(
            "heatmaps",
            Map.of(
                "title",
                title,
                "intro",
                intro,
                "group",
                new ReportPage.FigureGroup(null, figures),
                "colourBar",
                new ReportPage.ColourBar("map minimum", "map maximum", MAP_MEANING)))
        .write(dir.resolve("index.html"));
  }

  /**
   * Writes an index.html showing token attributions: each token id on a background whose warmth is
   * its min-max scaled score, one row per sample.
   *
   * @param dir the directory
   * @param title page title
   * @param intro a line under the title
   * @param ids (N, L) token ids
   * @param scores (N, L) token scores
   * @throws IOException on write failure
   */
  public static void tokenPage(Path dir, String title, String intro, NDArray ids, NDArray scores)
      throws IOException {
    long[] id = ids.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
    float[] v = scores.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    tokenReport(title, intro, id, v, (int) scores.getShape().get(0), (int) scores.getShape().get(1))
        .write(dir.resolve("index.html"));
  }

  /**
   * The token page of texts: each token shown as its word piece rather than its id.
   *
   * @param dir where index.html goes
   * @param title the page title
   * @param intro the line under the title
   * @param text the texts' ids and word pieces
   * @param scores (N, L) scores
   * @throws IOException if the page cannot be written
   */
  static void tokenPage(Path dir, String title, String intro, TextTokens text, NDArray scores)
      throws IOException {
    int n = (int) scores.getShape().get(0);
    int len = (int) scores.getShape().get(1);
    long[] id = new long[n * len];
    for (int i = 0; i < n; i++) {
      System.arraycopy(text.ids()[i], 0, id, i * len, len);
    }
    float[] v = scores.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    tokenReport(title, intro, id, v, n, len, text::piece).write(dir.resolve("index.html"));
  }

  /**
   * A token on the token page: its id on the colour of its score, in the text colour that reads
   * best there.
   */
  record Token(long id, String text, String score, String background, String textColour) {}

  /** One sample's row of tokens on the token page, with the range its colours span. */
  record TokenRow(int index, List<Token> tokens, String range) {}

  /** The token page of (n, len) ids and scores, row-major. */
  static ReportPage tokenReport(String title, String intro, long[] id, float[] v, int n, int len) {
    return tokenReport(title, intro, id, v, n, len, (i, t) -> Long.toString(id[i * len + t]));
  }

  /** The token page of (n, len) ids and scores, row-major, each token shown as its label. */
  static ReportPage tokenReport(
      String title,
      String intro,
      long[] id,
      float[] v,
      int n,
      int len,
      java.util.function.BiFunction<Integer, Integer, String> label) {
    List<TokenRow> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int t = 0; t < len; t++) {
        lo = Math.min(lo, v[i * len + t]);
        hi = Math.max(hi, v[i * len + t]);
      }
      List<Token> tokens = new ArrayList<>();
      for (int t = 0; t < len; t++) {
        int[] c = jetRgb(hi > lo ? (v[i * len + t] - lo) / (hi - lo) : 0f);
        tokens.add(
            new Token(
                id[i * len + t],
                label.apply(i, t),
                String.format(Locale.ROOT, "%.4f", v[i * len + t]),
                String.format(Locale.ROOT, "rgb(%d,%d,%d)", c[0], c[1], c[2]),
                textColour(c)));
      }
      samples.add(new TokenRow(i, tokens, new Range(lo, hi).text()));
    }
    return new ReportPage(
        "tokens",
        Map.of(
            "title",
            title,
            "intro",
            intro,
            "samples",
            samples,
            "colourBar",
            new ReportPage.ColourBar(
                "lowest score of the sample",
                "highest score of the sample",
                "Each token id sits on the colour of its attribution, min-max scaled per sample (row): dark blue is the "
                    + "row's lowest score, dark red its highest. Hover over a token for its value.")));
  }

  /**
   * Black or white, whichever reads better on the background: white when the background's relative
   * luminance (WCAG 2) is below 0.179, where both give the same contrast ratio.
   */
  static String textColour(int[] rgb) {
    double l = 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2]);
    return l < 0.179 ? "#fff" : "#000";
  }

  private static double linear(int c) {
    double s = c / 255.0;
    return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  }

  /** The jet colour of a value in [0, 1] as 0..255 channels. */
  static int[] jetRgb(float v) {
    float[] c = jet(v);
    return new int[] {Math.round(c[0] * 255), Math.round(c[1] * 255), Math.round(c[2] * 255)};
  }

  private static float[] jet(float v) {
    float r = clamp(1.5f - Math.abs(4 * v - 3));
    float g = clamp(1.5f - Math.abs(4 * v - 2));
    float b = clamp(1.5f - Math.abs(4 * v - 1));
    return new float[] {r, g, b};
  }

  private static float clamp(float v) {
    return Math.max(0, Math.min(1, v));
  }

  private static int pack(float[] rgb) {
    return (Math.round(rgb[0] * 255) << 16)
        | (Math.round(rgb[1] * 255) << 8)
        | Math.round(rgb[2] * 255);
  }
}
