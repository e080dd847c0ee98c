package dev.ibex.training.engine;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.ibex.api.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * Training checkpoints in a directory: DJL {@code .params} files ({@link Block#saveParameters})
 * named {@code model-NNNN.params} (NNNN = completed epochs), and {@code checkpoint.properties}
 * naming the newest with its epoch, updates, seed and regularizers. Optimizer moments are not
 * saved.
 */
public final class Checkpoints {
  private static final String PROPERTIES = "checkpoint.properties";

  private Checkpoints() {}

  /**
   * Writes a model's parameters and makes them the newest checkpoint.
   *
   * @param dir the checkpoint directory (created if missing)
   * @param model the trained block
   * @param epoch epochs completed
   * @param updates optimizer updates completed
   * @param seed the run's seed
   * @param regularizers the run's regularizer names
   * @return the checkpoint written
   */
  static Checkpoint save(
      Path dir, Block model, int epoch, int updates, long seed, List<String> regularizers) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(String.format(Locale.ROOT, "model-%04d.params", epoch));
      try (DataOutputStream os =
          new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
        model.saveParameters(os);
      }
      Properties p = new Properties();
      p.setProperty("epoch", Integer.toString(epoch));
      p.setProperty("updates", Integer.toString(updates));
      p.setProperty("params", file.getFileName().toString());
      p.setProperty("seed", Long.toString(seed));
      p.setProperty("regularizers", String.join(",", regularizers));
      try (var w = Files.newBufferedWriter(dir.resolve(PROPERTIES), StandardCharsets.UTF_8)) {
        p.store(w, "ibex training checkpoint");
      }
      return new Checkpoint(file, epoch, updates);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint to " + dir, e);
    }
  }

  /**
   * The newest checkpoint of a directory.
   *
   * @param dir the checkpoint directory
   * @return the checkpoint, or empty when the directory has none (a fresh run)
   */
  static Optional<Checkpoint> newest(Path dir) {
    Path props = dir.resolve(PROPERTIES);
    if (!Files.isRegularFile(props)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + props, e);
    }
    return Optional.of(
        new Checkpoint(
            dir.resolve(p.getProperty("params")),
            Integer.parseInt(p.getProperty("epoch")),
            Integer.parseInt(p.getProperty("updates"))));
  }

  /**
   * Loads a {@code .params} file into an initialised block of the same structure (for a model
   * trained with a wrapping regulariser, the wrapped block).
   *
   * @param block the block
   * @param manager where the parameters live
   * @param file the file
   */
  public static void load(Block block, NDManager manager, Path file) {
    try (DataInputStream is =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      block.loadParameters(manager, is);
      // loaded arrays are new tensors: make the trainable ones leaves that record gradients again
      for (Pair<String, Parameter> p : block.getParameters()) {
        NDArray a = p.getValue().getArray();
        if (p.getValue().requiresGradient() && !a.hasGradient()) {
          a.setRequiresGradient(true);
        }
      }
    } catch (IOException | MalformedModelException e) {
      throw new InvalidInputException(
          "cannot load parameters from " + file + ": " + e.getMessage());
    }
  }
}
