package dev.ibex.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ibex.api.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's command line: bad usage is exit code 2 with one line, found before Spark starts (no
 * session is given, and none is started).
 */
class ExplainJobUsageTest {
  @TempDir Path dir;

  @Test
  void settingsGoToThePluginTheyNameOrTheOnlyOne() {
    assertThat(NamedSettings.of("--set", List.of("saliency"), List.of("abs=false")))
        .isEqualTo(Map.of("saliency", Map.of("abs", "false")));
    assertThat(
            NamedSettings.of(
                "--set", List.of("saliency", "grad-cam"), List.of("grad-cam.normalise=minmax")))
        .isEqualTo(Map.of("saliency", Map.of(), "grad-cam", Map.of("normalise", "minmax")));
    assertThatThrownBy(
            () -> NamedSettings.of("--set", List.of("saliency", "grad-cam"), List.of("abs=false")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "--set abs=false: say which of saliency, grad-cam it is for, e.g. saliency.abs=false");
    assertThatThrownBy(() -> NamedSettings.of("--set", List.of("saliency"), List.of("ig.steps=4")))
        .hasMessage("--set ig.steps=4: 'ig' is not among saliency");
    assertThatThrownBy(() -> NamedSettings.of("--set", List.of("saliency"), List.of("abs")))
        .hasMessage("--set abs: expected [NAME.]key=value");
    assertThatThrownBy(
            () ->
                NamedSettings.of("--set", List.of("saliency"), List.of("abs=1", "saliency.abs=0")))
        .hasMessage("--set: saliency.abs given twice ('1' and '0')");
  }

  @Test
  void badUsageIsOneLineAndExitCodeTwo() throws IOException {
    String model = dir.resolve("m.pt").toString();
    String out = dir.resolve("out").toString();
    assertThat(run("--model", model, "--method", "saliency", "--out", out))
        .isEqualTo(
            new Run(
                2, "ibex-spark: Missing required option: '--input=PATH' (--help shows the usage)"));
    assertThat(run("--input", "x", "--model", model, "--method", "salency", "--out", out).err())
        .startsWith("ibex-spark: unknown attributor 'salency'")
        .doesNotContain("\n");
    assertThat(
            run(
                    "--input",
                    "x",
                    "--model",
                    model,
                    "--method",
                    "saliency",
                    "--metric",
                    "deletion",
                    "--metric-set",
                    "steps=many",
                    "--out",
                    out)
                .err())
        .startsWith("ibex-spark: ")
        .contains("steps")
        .doesNotContain("\n");
    assertThat(
            run(
                "--input",
                "x",
                "--model",
                model,
                "--method",
                "saliency",
                "--layer",
                "conv3",
                "--out",
                out))
        .isEqualTo(new Run(2, "ibex-spark: --layer: no method of [saliency] takes a layer"));
    assertThat(
            run(
                "--input",
                "x",
                "--model",
                model,
                "--method",
                "saliency",
                "--size",
                "32",
                "--out",
                out))
        .isEqualTo(new Run(2, "ibex-spark: --size 32: expected HxW, e.g. 224x224"));
    assertThat(
            run(
                "--input",
                "x",
                "--model",
                model,
                "--method",
                "saliency",
                "--maps",
                "jpg",
                "--out",
                out))
        .isEqualTo(new Run(2, "ibex-spark: --maps takes png, npy, png,npy or none; got [jpg]"));
    assertThat(
            run("--input", "x", "--model", model, "--method", "saliency", "--out", "hdfs://nn/out"))
        .isEqualTo(
            new Run(
                2,
                "ibex-spark: --out hdfs://nn/out: give a directory every executor can write at the"
                    + " same path (local, or shared storage mounted there); the maps are written"
                    + " with java.nio, not Hadoop"));
    Files.createDirectories(dir.resolve("out/scores.parquet"));
    assertThat(run("--input", "x", "--model", model, "--method", "saliency", "--out", out))
        .isEqualTo(
            new Run(
                2,
                "ibex-spark: "
                    + dir.resolve("out/scores.parquet")
                    + " exists; give --overwrite to replace it"));
  }

  @Test
  void helpPrintsTheUsage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        ExplainJob.run(
            new String[] {"--help"},
            null,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err);
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("usage: spark-submit --class dev.ibex.spark.ExplainJob ibex.jar")
        .contains("--metric-set=[METRIC.]key=value");
  }

  record Run(int code, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        ExplainJob.run(
            args,
            null,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(SparkSession.getDefaultSession().isDefined())
        .as("a Spark session started")
        .isFalse();
    return new Run(code, err.toString(StandardCharsets.UTF_8).strip());
  }
}
