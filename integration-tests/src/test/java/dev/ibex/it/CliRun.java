package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ibex.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One run of the CLI: exit code, stdout, stderr. */
record CliRun(int code, String out, String err) {
  /** Runs the CLI in process. */
  static CliRun of(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      int code = Main.run(args, o, e);
      return new CliRun(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }

  /** This run, once it is asserted to have exited 0 (else the failure shows its stderr). */
  CliRun succeeded() {
    assertThat(code).as(err).isZero();
    return this;
  }
}
