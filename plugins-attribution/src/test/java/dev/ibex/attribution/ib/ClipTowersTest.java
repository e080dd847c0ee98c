package dev.ibex.attribution.ib;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.Attribution;
import dev.ibex.api.Attributor;
import dev.ibex.api.Target;
import dev.ibex.api.options.Options;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the tests of one method on the toy CLIP: both towers loaded once per test class, and each
 * side's inputs paired with the other side's embeddings as a cosine target.
 */
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

  /**
   * @return the method under test
   */
  abstract Attributor method();

  /** The method's defaults at a split point and modality. */
  final Options options(String layer, String modality) {
    return method().options().defaults().with("layer", layer).with("modality", modality);
  }

  /**
   * @return the method's defaults on the image tower, split at its block 2
   */
  final Options imageOptions() {
    return options("image_2", "image");
  }

  /**
   * @return the method's defaults on the text tower, split at its block 2
   */
  final Options textOptions() {
    return options("text_2", "text");
  }

  /**
   * @return the images
   */
  static NDArray pixels() {
    return clip.read("pixels.npy");
  }

  /**
   * @return cosine similarity to the images' captions (the text embeddings)
   */
  static Target caption() {
    return Target.cosineSimilarity(clip.read("text_embeddings.npy"));
  }

  /** The method on the image tower: the images explained by their captions. */
  final Attribution attributeImages(Options options) {
    return method().attribute(clip.imageTower, pixels(), caption(), options);
  }

  /** The method on the text tower: the token ids explained by their images' embeddings. */
  final Attribution attributeTexts(Options options) {
    return method()
        .attribute(
            clip.textTower,
            clip.read("ids.npy"),
            Target.cosineSimilarity(clip.read("image_embeddings.npy")),
            options);
  }
}
