package dev.ibex.demo;

import dev.ibex.api.InvalidInputException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads Fashion-MNIST from its IDX files ({@code train-images-idx3-ubyte.gz} etc.): 28x28 grey
 * images scaled to [0, 1], ten classes.
 */
public final class FashionMnist {
  /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** The class names, by label. */
  public static final String[] CLASS_NAMES = {
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot"
  };

  private FashionMnist() {}

  /**
   * Loads a split.
   *
   * @param dir the directory of the four {@code .gz} files
   * @param train the training split (60,000) or the test split (10,000)
   * @param limit at most this many images (the first ones)
   * @return the images, (N, 1, 28, 28)
   * @throws InvalidInputException if the files are missing or malformed
   */
  public static LabeledImages load(Path dir, boolean train, int limit) {
    String prefix = train ? "train" : "t10k";
    Path images = dir.resolve(prefix + "-images-idx3-ubyte.gz");
    Path labels = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
    if (!Files.isRegularFile(images) || !Files.isRegularFile(labels)) {
      throw new InvalidInputException(
          "Fashion-MNIST not found in "
              + dir
              + " (expected "
              + images.getFileName()
              + " and "
              + labels.getFileName()
              + "; on Debian: apt install dataset-fashion-mnist)");
    }
    try {
      byte[] img = readIdx(images, 2051, limit);
      byte[] lab = readIdx(labels, 2049, limit);
      int n = lab.length;
      float[] pixels = new float[n * 28 * 28];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (img[i] & 0xff) / 255f;
      }
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        y[i] = lab[i] & 0xff;
      }
      return new LabeledImages(pixels, y, null, 1, 28, 28, 10);
    } catch (IOException e) {
      throw new InvalidInputException(
          "cannot read Fashion-MNIST from " + dir + ": " + e.getMessage());
    }
  }

  /** Reads an IDX file's payload: the first {@code limit} items. */
  private static byte[] readIdx(Path file, int magic, int limit) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
      int m = in.readInt();
      if (m != magic) {
        throw new InvalidInputException(
            file
                + " is not an IDX file of the expected kind (magic "
                + m
                + ", expected "
                + magic
                + ")");
      }
      int n = in.readInt();
      int per = 1;
      for (int d = 1; d < (magic & 0xff); d++) {
        per *= in.readInt();
      }
      int k = Math.min(n, limit);
      byte[] out = new byte[k * per];
      in.readFully(out);
      return out;
    }
  }
}
