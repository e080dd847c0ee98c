package dev.ibex.attribution.ib;

import dev.ibex.api.Attributor;
import dev.ibex.api.options.Options;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Base of the tests on the toy CLIP: both towers loaded once per test class. */
abstract class ClipTowersTest {
  @TempDir static Path dir;
  static ClipFixture clip;

  @BeforeAll
  static void load() {
    clip = new ClipFixture(dir);
  }

  @AfterAll
  static void close() {
    clip.close();
  }

  /** The method's defaults at a split point and modality. */
  static Options options(Attributor method, String layer, String modality) {
    return method.options().defaults().with("layer", layer).with("modality", modality);
  }
}
