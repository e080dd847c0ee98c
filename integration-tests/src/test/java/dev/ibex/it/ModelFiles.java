package dev.ibex.it;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A TorchScript model and a batch of inputs as files, the way the CLI takes them, and the command
 * lines that run the one on the other.
 */
record ModelFiles(Path model, Path input) {
  /**
   * The parity fixtures' plain CNN and its batch of four 3x32x32 images, copied into {@code dir}.
   */
  static ModelFiles plain(Path dir) throws IOException {
    return new ModelFiles(
        Fixtures.copy("/parity/plain/model.pt", dir), Fixtures.copy("/parity/plain/x.npy", dir));
  }

  /** The same model on another batch (a missing, corrupt or ill-shaped one, say). */
  ModelFiles withInput(Path other) {
    return new ModelFiles(model, other);
  }

  /** {@code COMMAND --model M.pt --input X.npy}, then {@code more}. */
  String[] command(String name, String... more) {
    return CliArgs.join(
        new String[] {name, "--model", model.toString(), "--input", input.toString()}, more);
  }

  /** {@code explain ... --method NAME --out A.npy}, then {@code more}. */
  String[] explain(String method, Path out, String... more) {
    return command(
        "explain", CliArgs.join(new String[] {"--method", method, "--out", out.toString()}, more));
  }

  /** {@code bench ... --method NAME}, the batch taken from the input file, then {@code more}. */
  String[] bench(String method, String... more) {
    return command("bench", CliArgs.join(new String[] {"--method", method}, more));
  }
}
