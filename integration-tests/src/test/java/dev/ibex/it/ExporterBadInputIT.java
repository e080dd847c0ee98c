package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ibex_export.py} refuses what it cannot export faithfully: exit status 2, one line on
 * stderr naming the problem, and no output file (nor anything else) left behind.
 */
class ExporterBadInputIT {
  @TempDir Path dir;

  @BeforeEach
  void copyModels() throws IOException {
    Fixtures.copy("/parity/export/export_fixture_models.py", dir);
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  /** Runs the exporter and asserts the refusal; returns its one line. */
  private String refused(Path out, String... args) throws Exception {
    List<String> before = listing();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--out", out.toString()));
    ExportRun run = ExportRun.of(dir, all);
    assertThat(run.code()).as(run.out() + run.err()).isEqualTo(2);
    List<String> lines = run.err().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as(run.err()).hasSize(1);
    // Files.exists, not AssertJ's doesNotExist: below a regular file a path neither exists nor
    // provably does not (ENOTDIR)
    assertThat(Files.exists(out)).as(out + " was written").isFalse();
    assertThat(listing()).as("files left behind").isEqualTo(before);
    return lines.get(0);
  }

  @Test
  void anUnknownModulePathNamesTheNearestNames() throws Exception {
    String line =
        refused(
            dir.resolve("resnet.pt"),
            "--model",
            "resnet50",
            "--seed",
            "0",
            "--split",
            "layer5",
            "--input-shape",
            "1,3,64,64");
    assertThat(line).contains("layer5").contains("layer4");
  }

  @Test
  void aNestedUnknownModulePathNamesTheNearestNames() throws Exception {
    String line =
        refused(
            dir.resolve("resnet.pt"),
            "--model",
            "resnet50",
            "--split",
            "layer4.3",
            "--input-shape",
            "1,3,64,64");
    assertThat(line).contains("layer4.3").contains("layer4.2");
  }

  @Test
  void aModelWithControlFlowOnTensorValuesIsNotTraceable() throws Exception {
    String line =
        refused(
            dir.resolve("branchy.pt"),
            "--model",
            "export_fixture_models:data_dependent",
            "--split",
            "conv",
            "--input-shape",
            "1,3,8,8");
    // names the call fx could not trace: the line of the model's forward with the `if`
    assertThat(line).contains("traceable").contains("h.mean() > 0");
  }

  @Test
  void anUnwritableOutputPathIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("not-a-directory.txt"), "a file");
    Path out = notADirectory.resolve("small.pt");
    String line =
        refused(
            out,
            "--model",
            "export_fixture_models:small",
            "--split",
            "conv",
            "--input-shape",
            "1,3,8,8");
    assertThat(line).contains(out.toString());
  }

  @Test
  void anExportThatChangesTheOutputIsRefused() throws Exception {
    // TorchScript cannot compile the model (numpy in forward), so the exporter traces it, which
    // bakes the sample's batch size in: right at batch size 2, wrong at the check's batch size 3
    String line =
        refused(
            dir.resolve("baked.pt"),
            "--model",
            "export_fixture_models:batch_baked",
            "--seed",
            "0",
            "--split",
            "conv",
            "--input-shape",
            "2,3,8,8");
    assertThat(line)
        .startsWith("ibex-export: the exported forward differs from the model by ")
        .contains("at batch size 3")
        .contains("the file was traced");
  }

  @Test
  void theSmallModelItselfExports() throws Exception {
    Path out = dir.resolve("small.pt");
    ExportRun.of(
            dir,
            List.of(
                "--model",
                "export_fixture_models:small",
                "--split",
                "conv",
                "--input-shape",
                "1,3,8,8",
                "--out",
                out.toString()))
        .succeeded();
    assertThat(out).isNotEmptyFile();
  }
}
