package dev.ibex.attribution.gradient;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.io.Npy;
import dev.ibex.api.model.TorchScriptModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A parity fixture from the test resources ({@code parity/<dir>}): the TorchScript model (copied to
 * a temporary file, since DJL loads from a path), its input, targets and reference attributions.
 */
final class ParityFixture implements AutoCloseable {
  static final List<String> DIRS = List.of("plain", "plain-s0", "residual-s2");

  final String dir;
  final TorchScriptModel model;
  final NDManager manager;
  final NDArray x;
  final int[] y;
  private final Path tmp;

  ParityFixture(String dir) {
    this.dir = dir;
    try {
      tmp = Files.createTempFile("ibex-parity-" + dir, ".pt");
      try (InputStream in = resource("model.pt")) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      model = TorchScriptModel.load(tmp, Device.cpu(), List.of("conv3"));
      manager = model.manager().newSubManager();
      x = read("x");
      y = read("y").toType(DataType.INT32, false).toIntArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private InputStream resource(String name) {
    InputStream in = ParityFixture.class.getResourceAsStream("/parity/" + dir + "/" + name);
    assertThat(in).as("test resource parity/%s/%s", dir, name).isNotNull();
    return in;
  }

  /** Reads {@code <name>.npy} of this fixture. */
  NDArray read(String name) {
    try (InputStream in = resource(name + ".npy")) {
      return Npy.read(in, manager, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** max|a − b| / max|b|. */
  static double relativeLinf(NDArray actual, NDArray reference) {
    assertThat(actual.getShape()).isEqualTo(reference.getShape());
    double num = actual.sub(reference).abs().max().getFloat();
    double den = reference.abs().max().getFloat();
    return num / den;
  }

  @Override
  public void close() {
    manager.close();
    model.close();
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
