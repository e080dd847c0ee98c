package dev.ibex.it;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/** Command lines for the CLI tests: what a command always needs first, then the test's own. */
final class CliArgs {
  private CliArgs() {}

  /** {@code head} followed by {@code tail}. */
  static String[] join(String[] head, String... tail) {
    return Stream.concat(Arrays.stream(head), Arrays.stream(tail)).toArray(String[]::new);
  }

  /** The global {@code --plugins DIR} before a command line. */
  static String[] withPlugins(Path dir, String... command) {
    return join(new String[] {"--plugins", dir.toString()}, command);
  }

  /** {@code evaluate --metric NAME --attributions A.npy}, then {@code more}. */
  static String[] evaluate(String metric, Path attributions, String... more) {
    return join(
        new String[] {"evaluate", "--metric", metric, "--attributions", attributions.toString()},
        more);
  }
}
