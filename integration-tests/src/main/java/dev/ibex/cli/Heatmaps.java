package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Renders attribution maps as PNG overlays on their input and lists them on an HTML page. */
public final class Heatmaps {
  private Heatmaps() {}

  /**
   * Reduces an attribution to one (H, W) map per sample for display: per-pixel maps are summed
   * in absolute value over channels.
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
      throw new IllegalArgumentException("cannot render an attribution of shape " + values.getShape());
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
   * Writes a PNG: the input (min-max scaled, grey or RGB) with the map blended on top in a jet
   * colour map, upscaled by {@code scale} with nearest neighbours so small inputs stay visible.
   *
   * @param image (C,H,W) input sample, C = 1 or 3 (other C: first channel)
   * @param map (H,W) map
   * @param scale pixel scale factor
   * @param file the PNG to write
   * @throws IOException on write failure
   */
  public static void overlay(NDArray image, float[][] map, int scale, Path file) throws IOException {
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
    Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(out, "png", file.toFile());
  }

  /**
   * Writes an index.html that shows PNGs with captions.
   *
   * @param dir the directory (the page goes to dir/index.html)
   * @param title page title
   * @param intro a paragraph of HTML-escaped text under the title
   * @param images file names relative to dir, with their captions
   * @throws IOException on write failure
   */
  public static void page(Path dir, String title, String intro, List<String[]> images) throws IOException {
    Files.createDirectories(dir);
    try (Writer w = Files.newBufferedWriter(dir.resolve("index.html"), StandardCharsets.UTF_8)) {
      w.write("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>"
          + "<style>body{font-family:sans-serif;margin:2em}figure{display:inline-block;margin:1em}"
          + "img{image-rendering:pixelated;border:1px solid #ccc}figcaption{font-size:90%}</style></head><body>");
      w.write("<h1>" + esc(title) + "</h1><p>" + esc(intro) + "</p>");
      for (String[] im : images) {
        w.write("<figure><img src=\"" + esc(im[0]) + "\"><figcaption>" + esc(im[1]) + "</figcaption></figure>");
      }
      w.write("</body></html>\n");
    }
  }

  /**
   * Writes an index.html showing token attributions: each token id on a background whose warmth
   * is its min-max scaled score, one row per sample.
   *
   * @param dir the directory
   * @param title page title
   * @param intro a line under the title
   * @param ids (N, L) token ids
   * @param scores (N, L) token scores
   * @throws IOException on write failure
   */
  public static void tokenPage(Path dir, String title, String intro, NDArray ids, NDArray scores) throws IOException {
    Files.createDirectories(dir);
    long[] id = ids.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
    float[] v = scores.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    int n = (int) scores.getShape().get(0);
    int len = (int) scores.getShape().get(1);
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < n; i++) {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int t = 0; t < len; t++) {
        lo = Math.min(lo, v[i * len + t]);
        hi = Math.max(hi, v[i * len + t]);
      }
      rows.append("<p>sample ").append(i).append(": ");
      for (int t = 0; t < len; t++) {
        float m = hi > lo ? (v[i * len + t] - lo) / (hi - lo) : 0f;
        float[] c = jet(m);
        rows.append(String.format(java.util.Locale.ROOT,
            "<span title=\"%.4f\" style=\"background:rgb(%d,%d,%d);padding:2px 4px;margin:1px\">%d</span>",
            v[i * len + t], Math.round(c[0] * 255), Math.round(c[1] * 255), Math.round(c[2] * 255), id[i * len + t]));
      }
      rows.append("</p>");
    }
    try (Writer w = Files.newBufferedWriter(dir.resolve("index.html"), StandardCharsets.UTF_8)) {
      w.write("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title></head>"
          + "<body style=\"font-family:sans-serif;margin:2em\"><h1>" + esc(title) + "</h1><p>" + esc(intro)
          + "</p><p>Token ids coloured by attribution (blue low, red high; hover for the value).</p>" + rows
          + "</body></html>\n");
    }
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
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
    return (Math.round(rgb[0] * 255) << 16) | (Math.round(rgb[1] * 255) << 8) | Math.round(rgb[2] * 255);
  }
}
