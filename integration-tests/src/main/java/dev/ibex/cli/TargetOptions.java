package dev.ibex.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.Target;
import dev.ibex.api.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * What is explained, as an exclusive picocli argument group: one class for every sample ({@code
 * --target K}) or the cosine similarity to given embeddings ({@code --cosine-to E.npy}); none: each
 * sample's predicted class. {@link WithLabels} adds a class per sample.
 */
class TargetOptions {
  @Option(
      names = "--target",
      paramLabel = "K",
      converter = ValueConverters.ClassIndex.class,
      description = "explain class K in every sample (default: the predicted class)")
  Integer classIndex;

  @Option(
      names = "--cosine-to",
      paramLabel = "E.npy",
      description = "explain the cosine similarity to these (samples, dim) embeddings")
  Path embeddings;

  /** Adds {@code --targets Y.npy}: one class per sample. */
  static final class WithLabels extends TargetOptions {
    @Option(
        names = "--targets",
        paramLabel = "Y.npy",
        description = "explain these classes, one per sample (1-d integers)")
    Path labels;

    @Override
    Target target(NDManager manager) throws IOException {
      if (labels == null) {
        return super.target(manager);
      }
      if (!Files.isRegularFile(labels)) {
        throw new InvalidInputException("targets file not found: " + labels);
      }
      try (NDManager m = manager.newSubManager()) {
        NDArray y = Npy.read(labels, m);
        if (y.getShape().dimension() != 1 || y.getDataType().isFloating()) {
          throw new InvalidInputException(
              "--targets must be a 1-d integer array, got " + y.getDataType() + " " + y.getShape());
        }
        return Target.perSample(y.toType(DataType.INT32, false).toIntArray());
      }
    }
  }

  /** The target the options name, its arrays on {@code manager}. */
  Target target(NDManager manager) throws IOException {
    if (embeddings != null) {
      if (!Files.isRegularFile(embeddings)) {
        throw new InvalidInputException("embeddings file not found: " + embeddings);
      }
      NDArray e = Npy.read(embeddings, manager);
      if (e.getShape().dimension() != 2 || !e.getDataType().isFloating()) {
        throw new InvalidInputException(
            "--cosine-to must be (samples, dim) floats, got "
                + e.getDataType()
                + " "
                + e.getShape());
      }
      return Target.cosineSimilarity(e.toType(DataType.FLOAT32, false));
    }
    return classIndex != null ? Target.ofClass(classIndex) : Target.predicted();
  }
}
