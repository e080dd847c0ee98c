package dev.ibex.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.InvalidInputException;
import dev.ibex.api.io.Npy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The samples in one input file: a {@code .npy} shard holds model inputs as the CLI takes them,
 * float (N, C, H, W) or one (C, H, W), used as they are; any other file is an image, decoded by the
 * {@link ImageDecoder}.
 */
final class SampleReader implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ImageDecoder images;

  SampleReader(ImageDecoder images) {
    this.images = images;
  }

  /**
   * Reads a file's samples.
   *
   * @param path the file, as Spark names it
   * @param bytes its content
   * @param manager a manager for the engine's {@code .npy} reader (nothing stays on it)
   * @return its samples, in order
   * @throws InvalidInputException for a file that is neither a readable image nor a float {@code
   *     .npy} of rank 3 or 4
   */
  List<Sample> read(String path, byte[] bytes, NDManager manager) {
    if (!path.toLowerCase(Locale.ROOT).endsWith(".npy")) {
      return List.of(images.decode(path, bytes));
    }
    try (NDManager scope = manager.newSubManager()) {
      NDArray x = Npy.read(new ByteArrayInputStream(bytes), scope, path);
      if (!x.getDataType().isFloating()) {
        throw new InvalidInputException(
            path + ": a shard holds float pixels, got " + x.getDataType());
      }
      Shape s = x.getShape();
      if (s.dimension() == 3) {
        x = x.expandDims(0);
        s = x.getShape();
      }
      if (s.dimension() != 4) {
        throw new InvalidInputException(path + ": a shard is (N, C, H, W) or (C, H, W), got " + s);
      }
      float[] all = x.toType(DataType.FLOAT32, false).toFloatArray();
      int n = (int) s.get(0);
      int size = (int) (s.size() / Math.max(1, n));
      long[] shape = {s.get(1), s.get(2), s.get(3)};
      List<Sample> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(
            new Sample(path, i, Arrays.copyOfRange(all, i * size, (i + 1) * size), shape.clone()));
      }
      return out;
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }
}
