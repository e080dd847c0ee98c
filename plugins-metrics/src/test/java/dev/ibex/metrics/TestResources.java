package dev.ibex.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.io.Npy;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The fixtures under src/test/resources: models and the arrays written by the Python generators.
 */
final class TestResources {
  private TestResources() {}

  /**
   * @param name a resource, e.g. {@code parity/plain/model.pt}
   * @return its path
   */
  static Path path(String name) throws Exception {
    return Path.of(TestResources.class.getResource("/" + name).toURI());
  }

  /**
   * @param manager the manager of the array
   * @param name a {@code .npy} resource, e.g. {@code hsic/x.npy}
   * @return the array
   */
  static NDArray npy(NDManager manager, String name) throws Exception {
    try (InputStream in = TestResources.class.getResourceAsStream("/" + name)) {
      return Npy.read(in, manager, name);
    }
  }
}
