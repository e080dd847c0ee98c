package dev.ibex.spark;

import ai.djl.ndarray.NDArray;
import dev.ibex.api.io.Npy;
import dev.ibex.cli.Heatmaps;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Writes one sample's attribution map where the executors run, each file atomically: {@code
 * DIR/METHOD/NAME.npy} (the sample's attribution as the CLI's {@code explain --out} holds it) and
 * {@code DIR/METHOD/NAME.png} (the CLI's heatmap: the input beside the map blended over it, from
 * {@link Heatmaps#overlay}). NAME is the file's name without its extension, a hash of its full path
 * (inputs from different directories may share a name) and, for a shard, the sample's index.
 */
final class MapWriter implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String dir;
  private final boolean png;
  private final boolean npy;

  /**
   * @param dir an absolute directory every executor can write
   * @param png whether to write heatmaps
   * @param npy whether to write the values
   */
  MapWriter(String dir, boolean png, boolean npy) {
    this.dir = dir;
    this.png = png;
    this.npy = npy;
  }

  /** The files of one sample's map, {@code null} where not written. */
  record Written(String png, String npy) {}

  /**
   * Writes the maps of sample {@code i} of a batch.
   *
   * @param sample the sample
   * @param method the attributor's name
   * @param input the batch (N, C, H, W)
   * @param values its attribution, (N, …)
   * @param i the sample's row in the batch
   * @return the files written
   * @throws IOException naming the file that could not be written
   */
  Written write(Sample sample, String method, NDArray input, NDArray values, int i)
      throws IOException {
    Path base = Path.of(dir, method, name(sample));
    String pngFile = null;
    String npyFile = null;
    if (npy) {
      Path f = base.resolveSibling(base.getFileName() + ".npy");
      Npy.write(values.get(i), f);
      npyFile = f.toString();
    }
    if (png) {
      Path f = base.resolveSibling(base.getFileName() + ".png");
      int scale = Math.max(1, 256 / (int) input.getShape().get(2)); // as the CLI scales
      Heatmaps.overlay(input.get(i), Heatmaps.displayMap(values, i), scale, f);
      pngFile = f.toString();
    }
    return new Written(pngFile, npyFile);
  }

  /** NAME: e.g. {@code cat-1a2b3c4d} for an image, {@code shard-5e6f7a8b-12} for a shard sample. */
  static String name(Sample sample) {
    String path = sample.path();
    String file = path.substring(path.lastIndexOf('/') + 1);
    int dot = file.lastIndexOf('.');
    String stem = (dot > 0 ? file.substring(0, dot) : file).replaceAll("[^A-Za-z0-9._-]", "_");
    String name = stem + "-" + hash(path);
    return path.toLowerCase(Locale.ROOT).endsWith(".npy") ? name + "-" + sample.index() : name;
  }

  private static String hash(String path) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
