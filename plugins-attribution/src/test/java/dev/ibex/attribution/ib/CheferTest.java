package dev.ibex.attribution.ib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.Attribution;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.InvalidOptionException;
import dev.ibex.api.Target;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import dev.ibex.api.options.Options;
import dev.ibex.attribution.fixtures.SmallCnns;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chefer relevance against the rule of the authors' CLIP code run in PyTorch
 * (gen_chefer_reference.py: attention probabilities and their gradients read on the eager modules;
 * cross-checked with the authors' own {@code interpret}) on both towers of the toy CLIP and on a
 * seeded ViT classifier.
 */
class CheferTest extends ClipTowersTest {
  private static final double TOLERANCE = 1e-4;
  final Chefer chefer = new Chefer();

  @Override
  Chefer method() {
    return chefer;
  }

  private Options side(String modality, int startBlock) {
    return chefer.options().defaults().with("modality", modality).with("start-block", startBlock);
  }

  private static double maxAbs(NDArray a, NDArray b) {
    assertThat(a.getShape()).isEqualTo(b.getShape());
    return a.toType(DataType.FLOAT64, false)
        .sub(b.toType(DataType.FLOAT64, false))
        .abs()
        .max()
        .getDouble();
  }

  private void check(String what, NDArray actual, NDArray expected) {
    double d = maxAbs(actual, expected);
    System.out.printf("chefer %s: max |java - reference| = %.3g%n", what, d);
    assertThat(d).as(what).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void imageTowerMatchesTheReference() {
    for (int start : new int[] {0, -1}) {
      String tag = start == 0 ? "" : ".last";
      Attribution a = attributeImages(side("image", start));
      assertThat(a.values().getShape()).isEqualTo(new Shape(3, 32, 32));
      check("image" + tag, a.values(), clip.read("chefer.image" + tag + ".npy"));
      assertThat(a.forwardPassesPerSample()).isEqualTo(1.0);
      assertThat(a.backwardPassesPerSample()).isEqualTo(1.0);
    }
  }

  @Test
  void textTowerMatchesTheReferenceAtTheEotToken() {
    for (int start : new int[] {0, -1}) {
      String tag = start == 0 ? "" : ".last";
      Attribution a = attributeTexts(side("text", start));
      assertThat(a.values().getShape()).isEqualTo(new Shape(3, 8));
      check("text" + tag, a.values(), clip.read("chefer.text" + tag + ".npy"));
    }
  }

  @Test
  void unnormalisedMapsAreTheRelevanceRows() {
    NDArray text = attributeTexts(side("text", 0).with("normalise", "none")).values();
    check("text rows (normalise=none)", text, clip.read("chefer.text.tokens.npy"));
    NDArray image = attributeImages(side("image", 0).with("normalise", "none")).values();
    NDArray rows = clip.read("chefer.image.tokens.npy");
    double relative =
        maxAbs(image, TokenMaps.image(rows, true, 32, 32)) / rows.abs().max().getFloat();
    System.out.printf("chefer image rows (normalise=none): relative %.3g%n", relative);
    assertThat(relative).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void vitClassifierMatchesTheReferenceForPredictedAndFixedClasses() {
    Path file = resource("/parity/vit-attention/model.pt");
    try (TorchScriptModel vit = TorchScriptModel.load(file, Device.cpu(), List.of())) {
      NDArray x = npy("/parity/vit-attention/x.npy");
      for (String target : new String[] {"predicted", "class3"}) {
        for (int start : new int[] {0, -1}) {
          String name = "chefer." + target + (start == 0 ? "" : ".last");
          Target t = target.equals("predicted") ? Target.predicted() : Target.ofClass(3);
          Attribution a = chefer.attribute(vit, x, t, side("image", start));
          assertThat(a.values().getShape()).isEqualTo(new Shape(4, 32, 32));
          check("vit " + name, a.values(), npy("/parity/vit-attention/" + name + ".npy"));
          // the predicted class is resolved on the probed pass itself: no extra forward
          assertThat(a.forwardPassesPerSample()).isEqualTo(1.0);
        }
      }
    }
  }

  @Test
  void aModelWithoutAttentionMethodsIsNamed() {
    Path file = resource("/parity/plain/model.pt");
    try (TorchScriptModel plain = TorchScriptModel.load(file, Device.cpu(), List.of())) {
      NDArray x = npy("/parity/plain/x.npy");
      assertThatThrownBy(
              () -> chefer.attribute(plain, x, Target.predicted(), chefer.options().defaults()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage(
              "the model exports no method 'attention_shape_forward': it does not expose its"
                  + " attention (see AttentionProbing for the contract)");
    }
  }

  @Test
  void aBlockModelCannotExposeItsAttention() {
    try (var model = SmallCnns.random(clip.manager, 16)) {
      NDArray x = clip.manager.randomNormal(new Shape(1, 3, 16, 16));
      assertThatThrownBy(
              () -> chefer.attribute(model, x, Target.predicted(), chefer.options().defaults()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("chefer needs a model that exposes its attention");
    }
  }

  @Test
  void badOptionsAndInputsAreNamed() {
    assertThatThrownBy(() -> attributeImages(side("image", 4)))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("start-block 4 is outside the model's 4 blocks");
    assertThatThrownBy(() -> attributeImages(side("text", 0)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("use modality=image for pixels");
    assertThatThrownBy(() -> attributeImages(side("image", 0).with("row", "highest-id")))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("row=highest-id needs token ids, not pixels");
  }

  private static NDArray npy(String path) {
    try (InputStream in = CheferTest.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return Npy.read(in, clip.manager, path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path resource(String path) {
    Path tmp;
    try (InputStream in = CheferTest.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      Path d = Files.createDirectories(dir.resolve(path.substring(1)).getParent());
      tmp = d.resolve(Path.of(path).getFileName().toString());
      if (!Files.exists(tmp)) {
        Files.copy(in, tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tmp;
  }
}
