package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code ibex_export.py} in its own Python process: exit code, stdout, stderr. The
 * interpreter is {@code /usr/bin/python3} (Debian's python3-torch and python3-torchvision), or the
 * system property {@code ibex.python}.
 */
record ExportRun(int code, String out, String err) {
  private static final long TIMEOUT_MINUTES = 10;

  /** The exporter in this module's sources (failsafe runs with the module as {@code basedir}). */
  static Path script() {
    return Path.of(System.getProperty("basedir", ""))
        .toAbsolutePath()
        .resolve("src/main/python/ibex_export.py");
  }

  /**
   * Runs the exporter in {@code dir} (relative paths in {@code args} are resolved there) with
   * {@code dir} on {@code PYTHONPATH}, so that {@code --model module:fn} finds a module copied into
   * it.
   *
   * @param dir working directory
   * @param args the exporter's arguments
   * @return the finished run
   */
  static ExportRun of(Path dir, List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty("ibex.python", "/usr/bin/python3"));
    cmd.add(script().toString());
    cmd.addAll(args);
    Path out = Files.createTempFile(dir, "export-out", ".txt");
    Path err = Files.createTempFile(dir, "export-err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().put("PYTHONPATH", dir.toString());
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process p = pb.start();
    if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("ibex_export.py ran past " + TIMEOUT_MINUTES + " minutes: " + cmd);
    }
    ExportRun run = new ExportRun(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return run;
  }

  /** This run, once it is asserted to have exited 0 (else the failure shows its output). */
  ExportRun succeeded() {
    assertThat(code).as(out + err).isZero();
    return this;
  }
}
