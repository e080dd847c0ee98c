package dev.ibex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ibex.api.Direction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's and the token page's HTML say what their colours and numbers mean. */
class ReportPageTest {
  @Test
  void demoPageHasColourBarLegendClassesAndMetricLines() {
    var figures =
        List.of(
            new ReportPage.Figure(
                "plain-grad-cam-0.png", List.of("plain, grad-cam", "map range [0.00, 0.731]")));
    String html =
        DemoCommand.demoPage(
                "tiny <run>",
                Map.of("plain", 0.5),
                Map.of(
                    "plain", Map.of("grad-cam", Map.of("pointing-game", 0.75, "deletion", 0.125))),
                List.of(
                    new DemoCommand.MetricLine(
                        "pointing-game",
                        "Hit if the map's maximum lies in the mask",
                        Direction.HIGHER_IS_BETTER),
                    new DemoCommand.MetricLine(
                        "deletion", "AUC as pixels are removed", Direction.LOWER_IS_BETTER)),
                List.of(new DemoCommand.ImageRow(0, "Trouser", Map.of("plain", "Dress"), figures)))
            .render();

    assertThat(html)
        .contains("class=\"bar\"")
        .contains("linear-gradient(to right,rgb(0,0,128) 0.0%")
        .contains("rgb(128,0,0) 100.0%")
        .contains("map minimum")
        .contains("map maximum")
        .contains("dark blue is that map's minimum, dark red its maximum");
    assertThat(html).contains("map range [0.00, 0.731]").contains("src=\"plain-grad-cam-0.png\"");
    assertThat(html).contains("Test image 0: class Trouser; predicted by plain: Dress");
    assertThat(html)
        .contains(
            "<b>pointing-game</b>: Hit if the map's maximum lies in the mask; higher is better")
        .contains("<b>deletion</b>: AUC as pixels are removed; lower is better");
    assertThat(html)
        .contains("<th>pointing-game \u2191</th>")
        .contains("<th>deletion \u2193</th>")
        .contains("<td class=\"num\">0.1250</td>");
    assertThat(html).contains("tiny &lt;run&gt;").doesNotContain("<run>");
  }

  @Test
  void tokenCellsOnDarkBackgroundsGetLightText() {
    // scores 0, 0.5, 1 land on navy, light green and dark red
    String html =
        Heatmaps.tokenReport("t", "i", new long[] {101, 102, 103}, new float[] {0f, 0.5f, 1f}, 1, 3)
            .render();
    Matcher m =
        Pattern.compile("background:rgb\\((\\d+),(\\d+),(\\d+)\\);color:(#fff|#000)\">(\\d+)<")
            .matcher(html);
    int cells = 0;
    while (m.find()) {
      cells++;
      int[] rgb = {
        Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))
      };
      String expected =
          switch (m.group(5)) {
            case "101", "103" -> "#fff";
            default -> "#000";
          };
      assertThat(m.group(4))
          .as("text on rgb(%d,%d,%d)", rgb[0], rgb[1], rgb[2])
          .isEqualTo(expected);
    }
    assertThat(cells).isEqualTo(3);
    assertThat(html)
        .contains("class=\"bar\"")
        .contains("lowest score of the sample")
        .contains("range [0.00, 1.00]");
  }

  @Test
  void pagesAreWrittenWholeWithNoTemporaryLeft(@TempDir Path dir) throws Exception {
    List<String[]> images = List.<String[]>of(new String[] {"a.png", "sample 0"});
    Heatmaps.page(dir, "p", "intro", images);
    assertThat(Files.readString(dir.resolve("index.html")))
        .endsWith("</body></html>\n")
        .contains("class=\"bar\"");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("index.html");
    }
  }
}
