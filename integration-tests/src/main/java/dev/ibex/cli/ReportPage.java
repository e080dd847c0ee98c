package dev.ibex.cli;

import com.samskivert.mustache.Escapers;
import com.samskivert.mustache.Mustache;
import dev.ibex.api.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTML report page: a Mustache template from {@code dev/ibex/cli/report/} filled with the
 * page's values. The template engine escapes every value, so callers pass plain text; the page is
 * written atomically, so a full disk never leaves half a page.
 */
final class ReportPage {
  private static final String TEMPLATES = "/dev/ibex/cli/report/";
  // Values only go into text and double-quoted attributes, where these four are all that must be
  // escaped; apostrophes stay as written ("the map's maximum").
  private static final Mustache.Compiler COMPILER =
      Mustache.compiler()
          .withEscaper(
              Escapers.simple(
                  new String[][] {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}}))
          .withLoader(ReportPage::template);

  /** A PNG on the page with its caption lines (plain text). */
  record Figure(String file, List<String> caption) {
    /** The image's alt text: its caption on one line. */
    String alt() {
      return String.join(", ", caption);
    }
  }

  /**
   * Figures under a heading (e.g. one test image with its class and predictions); {@code null}: no
   * heading.
   */
  record FigureGroup(String heading, List<Figure> figures) {}

  /** A term and what it means, e.g. a metric and what it measures. */
  record Definition(String term, String meaning) {}

  /** A table cell; numbers are right-aligned. */
  record Cell(String text, boolean number) {}

  /** A table row. */
  record Row(List<Cell> cells) {
    static Row of(List<String> texts) {
      return new Row(texts.stream().map(t -> new Cell(t, isNumber(t))).toList());
    }
  }

  /**
   * The colour bar of the maps: the jet scale the PNGs use, its two ends and what the colours show.
   */
  record ColourBar(String low, String high, String meaning) {
    /**
     * The CSS gradient's stops, from the PNGs' own colour function (piecewise linear, knots at
     * multiples of 1/8).
     */
    List<String> stops() {
      List<String> stops = new ArrayList<>();
      for (int i = 0; i <= 8; i++) {
        int[] c = Heatmaps.jetRgb(i / 8f);
        stops.add(String.format(Locale.ROOT, "rgb(%d,%d,%d) %.1f%%", c[0], c[1], c[2], i * 12.5));
      }
      return stops;
    }
  }

  private final String template;
  private final Object values;

  /**
   * @param template the template's name, e.g. {@code "demo"} for {@code demo.mustache}
   * @param values what the template shows: a map or record whose names the template uses
   */
  ReportPage(String template, Object values) {
    this.template = template;
    this.values = values;
  }

  String render() {
    // one final newline, however the template files end (JMustache keeps the one after {{/layout}})
    return COMPILER.loadTemplate(template).execute(values).stripTrailing() + "\n";
  }

  /** Writes the page atomically, making its directory. */
  void write(Path file) throws IOException {
    AtomicFiles.write(file, render().getBytes(StandardCharsets.UTF_8));
  }

  private static Reader template(String name) {
    InputStream in = ReportPage.class.getResourceAsStream(TEMPLATES + name + ".mustache");
    if (in == null) {
      throw new IllegalStateException(
          "no template " + TEMPLATES + name + ".mustache on the class path");
    }
    return new InputStreamReader(in, StandardCharsets.UTF_8);
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
