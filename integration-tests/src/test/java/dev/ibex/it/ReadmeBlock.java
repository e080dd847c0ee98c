package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A generated block of README.md, between its begin and end markers (the README tests' one reader).
 */
final class ReadmeBlock {
  private ReadmeBlock() {}

  /**
   * @param begin the marker line that opens the block
   * @param end the marker that closes it
   * @return the text between them, as written
   */
  static String between(String begin, String end) throws IOException {
    String readme = Files.readString(Path.of(System.getProperty("ibex.readme", "../README.md")));
    int from = readme.indexOf(begin);
    int to = readme.indexOf(end);
    assertThat(from).as("README has the marker %s", begin).isGreaterThanOrEqualTo(0);
    assertThat(to).isGreaterThan(from);
    return readme.substring(from + begin.length(), to);
  }
}
