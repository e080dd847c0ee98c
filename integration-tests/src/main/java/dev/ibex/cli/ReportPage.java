package dev.ibex.cli;

import dev.ibex.api.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One HTML report page, built section by section. Every text argument is escaped here, so callers
 * pass plain text; the page is written atomically so a full disk never leaves half a page.
 */
final class ReportPage {
  /** A PNG on the page with its caption lines (plain text). */
  record Figure(String file, List<String> caption) {}

  private static final String STYLE = "body{font-family:sans-serif;margin:2em;max-width:1300px;color:#111}"
      + "figure{display:inline-block;margin:.5em 1em .5em 0;vertical-align:top}"
      + "img{image-rendering:pixelated;border:1px solid #ccc}figcaption{font-size:90%;line-height:1.3}"
      + "table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px}td.num{text-align:right}"
      + ".bar{width:400px;height:18px;border:1px solid #555}.ends{width:402px;display:flex;"
      + "justify-content:space-between;font-size:85%}.legend{margin:1em 0;padding:.5em 1em;background:#f4f4f4}"
      + ".group{margin:1.5em 0;border-top:1px solid #ccc}.tok{padding:2px 4px;margin:1px;display:inline-block;"
      + "font-family:monospace}ul.metrics li{margin:.2em 0}";

  private final String title;
  private final StringBuilder body = new StringBuilder();

  ReportPage(String title) {
    this.title = title;
  }

  ReportPage heading(String text) {
    body.append("<h2>").append(esc(text)).append("</h2>\n");
    return this;
  }

  ReportPage paragraph(String text) {
    body.append("<p>").append(esc(text)).append("</p>\n");
    return this;
  }

  /** A table; cells that parse as numbers are right-aligned. */
  ReportPage table(List<String> header, List<List<String>> rows) {
    body.append("<table><tr>");
    header.forEach(h -> body.append("<th>").append(esc(h)).append("</th>"));
    body.append("</tr>\n");
    for (List<String> row : rows) {
      body.append("<tr>");
      for (String cell : row) {
        body.append(isNumber(cell) ? "<td class=\"num\">" : "<td>").append(esc(cell)).append("</td>");
      }
      body.append("</tr>\n");
    }
    body.append("</table>\n");
    return this;
  }

  /** A bulleted list of "term: text" lines, e.g. what each metric measures. */
  ReportPage definitions(String cssClass, List<String[]> terms) {
    body.append("<ul class=\"").append(esc(cssClass)).append("\">");
    for (String[] t : terms) {
      body.append("<li><b>").append(esc(t[0])).append("</b>: ").append(esc(t[1])).append("</li>");
    }
    body.append("</ul>\n");
    return this;
  }

  /**
   * The colour bar of the maps: the jet scale the PNGs use (as a CSS gradient computed from the same
   * function), its two ends and what they mean.
   *
   * @param low label of the left end
   * @param high label of the right end
   * @param meaning a sentence on what the colours show
   */
  ReportPage colourBar(String low, String high, String meaning) {
    body.append("<div class=\"legend\"><b>Colour scale</b><div class=\"bar\" style=\"background:linear-gradient(to right");
    for (int i = 0; i <= 8; i++) { // jet is piecewise linear with knots at multiples of 1/8
      int[] c = Heatmaps.jetRgb(i / 8f);
      body.append(String.format(Locale.ROOT, ",rgb(%d,%d,%d) %.1f%%", c[0], c[1], c[2], i * 12.5));
    }
    body.append(")\"></div><div class=\"ends\"><span>").append(esc(low)).append("</span><span>").append(esc(high))
        .append("</span></div><p>").append(esc(meaning)).append("</p></div>\n");
    return this;
  }

  /** A group of figures under a caption line (e.g. one test image with its class and predictions). */
  ReportPage figures(String caption, List<Figure> figures) {
    body.append("<div class=\"group\">");
    if (caption != null) {
      body.append("<h3>").append(esc(caption)).append("</h3>");
    }
    for (Figure f : figures) {
      body.append("<figure><img src=\"").append(esc(f.file())).append("\" alt=\"").append(esc(String.join(", ", f.caption())))
          .append("\"><figcaption>").append(String.join("<br>", f.caption().stream().map(ReportPage::esc).toList()))
          .append("</figcaption></figure>");
    }
    body.append("</div>\n");
    return this;
  }

  /** Raw HTML built by a caller from escaped parts (the token rows). */
  ReportPage html(String html) {
    body.append(html).append('\n');
    return this;
  }

  String render() {
    return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title><style>" + STYLE
        + "</style></head><body>\n<h1>" + esc(title) + "</h1>\n" + body + "</body></html>\n";
  }

  void write(Path file) throws IOException {
    byte[] bytes = render().getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(file, bytes); // makes the directory; an unusable one is a WriteException naming the path
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
