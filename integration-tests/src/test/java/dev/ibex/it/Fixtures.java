package dev.ibex.it;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ibex.api.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Function;

/** Test inputs as files, since the CLI takes paths: copied resources and written arrays. */
final class Fixtures {
  private Fixtures() {}

  static Path copy(String resource, Path dir) throws IOException {
    Path target = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
    try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing test resource " + resource);
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  /**
   * Writes an array as {@code .npy}.
   *
   * @param file where it goes
   * @param values makes the array on a manager closed once it is written
   * @return {@code file}
   */
  static Path npy(Path file, Function<NDManager, NDArray> values) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Npy.write(values.apply(m), file);
    }
    return file;
  }
}
