package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a CPU whose oneDNN kernels give wrong convolution gradients, {@code ibex} runs itself again
 * with {@code ONEDNN_MAX_CPU_ISA=AVX}. Exercised here by treating the check as failed: the
 * relaunched process gets the variable, gives the same result, and its exit code is ibex's.
 */
class EngineCheckIT {
  @TempDir Path dir;

  private ProcessResult ibex(boolean pretendWrong, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    if (pretendWrong) {
      cmd.add("-Dibex.engine-check=fail");
    }
    cmd.addAll(List.of("-jar", System.getProperty("ibex.jar")));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile());
    pb.environment().remove("ONEDNN_MAX_CPU_ISA"); // as a user's shell would start it
    Process p = pb.start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("ibex finished").isTrue();
    return new ProcessResult(
        p.exitValue(),
        Files.readString(dir.resolve("out.txt")),
        Files.readString(dir.resolve("err.txt")));
  }

  record ProcessResult(int code, String out, String err) {}

  @Test
  void aWrongEngineIsRunAgainCappedWithTheSameResultAndExitCode() throws Exception {
    Path model = Fixtures.copy("/parity/plain/model.pt", dir);
    Path x = Fixtures.copy("/parity/plain/x.npy", dir);
    ProcessResult capped =
        ibex(
            true,
            "explain",
            "--model",
            model.toString(),
            "--input",
            x.toString(),
            "--method",
            "saliency",
            "--target",
            "3",
            "--out",
            dir.resolve("a.npy").toString());
    assertThat(capped.code()).as(capped.err()).isZero();
    assertThat(capped.err()).contains("running again with ONEDNN_MAX_CPU_ISA=AVX");
    assertThat(capped.out()).contains("saliency (4, 3, 32, 32)");

    ProcessResult bad =
        ibex(
            true,
            "explain",
            "--model",
            model.toString(),
            "--input",
            x.toString(),
            "--method",
            "no-such-method",
            "--out",
            dir.resolve("b.npy").toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown attributor 'no-such-method'");
  }

  @Test
  void listingPluginsNeedsNoCheck() throws Exception {
    ProcessResult list = ibex(true, "list");
    assertThat(list.code()).isZero();
    assertThat(list.err()).doesNotContain("running again");
  }
}
