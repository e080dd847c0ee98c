package dev.ibex.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} says how many warm-up runs it made: by default until stable, else as many as asked.
 */
class BenchWarmupTest {
  @TempDir Path dir;

  @Test
  void defaultWarmUpRunsUntilStableAndIsReported() throws IOException {
    ModelFiles plain = ModelFiles.plain(dir);
    String[] twoImagesOnce = {"--batch", "2", "--repeat", "1"};
    CliRun auto = CliRun.of(plain.bench("saliency", twoImagesOnce)).succeeded();
    // at least 3 runs, and the first run never counts towards the 3 steady ones
    assertThat(warmups(auto.out())).isBetween(4, 100);
    assertThat(auto.err()).contains("warm-up until stable");

    String[] twoWarmUps = CliArgs.join(twoImagesOnce, "--warmup", "2");
    CliRun fixed = CliRun.of(plain.bench("saliency", twoWarmUps)).succeeded();
    assertThat(warmups(fixed.out())).isEqualTo(2);
  }

  private static int warmups(String out) {
    Matcher m = Pattern.compile("warmup_runs=(\\d+) timed_runs=1 ").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
