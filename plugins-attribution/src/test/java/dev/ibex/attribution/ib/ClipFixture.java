package dev.ibex.attribution.ib;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The toy CLIP fixture (parity/clip: OpenAI CLIP ViT-B/32 layout at toy width, see its
 * reference.json): both towers as {@link TorchScriptModel}s split at block 2, plus the paired
 * inputs and embeddings.
 */
final class ClipFixture implements AutoCloseable {
  final TorchScriptModel imageTower;
  final TorchScriptModel textTower;
  final NDManager manager;
  private final Path dir;

  ClipFixture(Path dir) {
    this.dir = dir;
    Path model = copy("clip.pt");
    imageTower =
        TorchScriptModel.builder(model)
            .device(Device.cpu())
            .forwardMethod("encode_image")
            .layers(List.of("image_2"))
            .load();
    textTower =
        TorchScriptModel.builder(model)
            .device(Device.cpu())
            .forwardMethod("encode_text")
            .layers(List.of("text_2"))
            .tailTakesInput(true)
            .load();
    manager = imageTower.manager().newSubManager();
  }

  NDArray read(String name) {
    try {
      return Npy.read(copy(name), manager);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path copy(String name) {
    Path p = dir.resolve(name);
    if (!Files.exists(p)) {
      try (InputStream in = getClass().getResourceAsStream("/parity/clip/" + name)) {
        Files.copy(in, p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return p;
  }

  @Override
  public void close() {
    manager.close();
    textTower.close();
    imageTower.close();
  }
}
