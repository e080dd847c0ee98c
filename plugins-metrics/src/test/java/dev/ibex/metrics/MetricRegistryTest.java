package dev.ibex.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ibex.api.Metric;
import dev.ibex.api.Plugin;
import dev.ibex.api.PluginKind;
import dev.ibex.api.options.OptionSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every metric is discoverable, named, documented and has valid option defaults. */
class MetricRegistryTest {
  static final Set<String> EXPECTED =
      Set.of(
          "pixel-accuracy",
          "miou",
          "map",
          "pointing-game",
          "relevance-mass",
          "relevance-rank",
          "top-k-intersection",
          "insertion",
          "deletion",
          "confidence-drop",
          "confidence-increase",
          "faithfulness-correlation",
          "road",
          "interpretability-score",
          "max-sensitivity",
          "sparseness",
          "complexity",
          "model-randomisation",
          "info-differential",
          "dependence-fg",
          "dependence-bg",
          "dependence-xfg-rbg",
          "dependence-xbg-rfg",
          "fps");

  @Test
  void allMetricsAreDiscoveredWithoutProblems() throws IOException {
    var metrics = MetricsUnderTest.plugins().of(PluginKind.METRIC);
    assertThat(metrics.keySet()).containsExactlyInAnyOrderElementsOf(EXPECTED);
    assertThat(MetricsUnderTest.plugins().problems()).isEmpty();
    StringBuilder table =
        new StringBuilder("| metric | measures | direction | options |\n|---|---|---|---|\n");
    for (Plugin p : metrics.values()) {
      Metric m = (Metric) p;
      assertThat(m.direction()).as(m.name()).isNotNull();
      assertThat(m.description()).as(m.name()).isNotBlank();
      assertThat(m.options().defaults()).as(m.name()).isNotNull();
      String options =
          m.options().specs().stream()
              .map(
                  s ->
                      "`"
                          + s.name()
                          + "`"
                          + (s.defaultValue() == null ? "" : "=" + s.defaultValue())
                          + (s.choices().isEmpty() ? "" : " " + s.choices())
                          + (s.rangeText().isEmpty() ? "" : " " + s.rangeText()))
              .collect(Collectors.joining(", "));
      table
          .append("| `")
          .append(m.name())
          .append("` | ")
          .append(m.description())
          .append(" | ")
          .append(m.direction() == dev.ibex.api.Direction.HIGHER_IS_BETTER ? "higher" : "lower")
          .append(" | ")
          .append(options.isEmpty() ? "—" : options)
          .append(" |\n");
    }
    Path out = Path.of("target", "metrics-table.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
  }

  @Test
  void everyOptionIsDocumented() {
    for (Plugin p : MetricsUnderTest.plugins().of(PluginKind.METRIC).values()) {
      for (OptionSpec s : p.options().specs()) {
        assertThat(s.doc()).as(p.name() + "." + s.name()).isNotBlank();
      }
    }
  }
}
