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
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * What is explained, as an exclusive picocli argument group: one class for every sample ({@code
 * --target K}), that class summed over a mask of a segmentation output ({@code --target K
 * --target-mask M.npy}) or the cosine similarity to given embeddings ({@code --cosine-to E.npy});
 * none: each sample's predicted class. {@link WithLabels} adds a class per sample.
 */
class TargetOptions {
  // order -2: first in the synopsis; picocli 4.7.7 puts no "|" before a subgroup that follows
  // options, so "[--target=K [--target-mask=M.npy]] | --cosine-to=E.npy" needs it first
  @ArgGroup(exclusive = false, order = -2)
  ClassTarget classTarget;

  @Option(
      names = "--cosine-to",
      paramLabel = "E.npy",
      description = "explain the cosine similarity to these (samples, dim) embeddings")
  Path embeddings;

  /** {@code --target K [--target-mask M.npy]}: a class, optionally summed over a spatial mask. */
  static final class ClassTarget {
    @Option(
        names = "--target",
        required = true,
        paramLabel = "K",
        converter = ValueConverters.ClassIndex.class,
        description = "explain class K in every sample (default: the predicted class)")
    int classIndex;

    @Option(
        names = "--target-mask",
        paramLabel = "M.npy",
        description =
            "with --target: explain class K summed over this (H, W) or (N, H, W) mask, for a"
                + " segmentation output (N, classes, H, W)")
    Path mask;

    Target target(NDManager manager) throws IOException {
      if (mask == null) {
        return Target.ofClass(classIndex);
      }
      if (!Files.isRegularFile(mask)) {
        throw new InvalidInputException("--target-mask file not found: " + mask);
      }
      try (NDManager m = manager.newSubManager()) {
        // the target copies the mask, so it is read on a manager of its own
        return Target.segmentation(classIndex, Npy.read(mask, m));
      }
    }
  }

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
    return classTarget != null ? classTarget.target(manager) : Target.predicted();
  }
}
