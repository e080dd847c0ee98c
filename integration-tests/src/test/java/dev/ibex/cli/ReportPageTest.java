package dev.ibex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token page's HTML says what its colours mean (the demo's page: DemoCliTest). */
class ReportPageTest {
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
