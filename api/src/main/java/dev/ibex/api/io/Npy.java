package dev.ibex.api.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableBiMap;
import dev.ibex.api.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1–3, C order, little-endian float32,
 * float64, int32, int64, uint8, bool), which is how the CLI exchanges tensors with Python.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  // the dtypes read and written, one table for both directions (little-endian, as numpy writes)
  private static final ImmutableBiMap<String, DataType> DTYPES =
      ImmutableBiMap.<String, DataType>builder()
          .put("<f4", DataType.FLOAT32)
          .put("<f8", DataType.FLOAT64)
          .put("<i4", DataType.INT32)
          .put("<i8", DataType.INT64)
          .put("|u1", DataType.UINT8)
          .put("|b1", DataType.BOOLEAN)
          .buildOrThrow();
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  // numpy itself refuses headers over 10,000 bytes unless told otherwise
  private static final long MAX_HEADER = 1 << 20;

  private Npy() {}

  /**
   * Reads a {@code .npy} file into an array on the given manager.
   *
   * @param file the file
   * @param manager where the array goes
   * @return the array, with the file's shape and data type
   * @throws InvalidInputException if the file is missing, unreadable or not a supported {@code
   *     .npy}
   * @throws IOException on a read failure of the device
   */
  public static NDArray read(Path file, NDManager manager) throws IOException {
    // the user's path, named: a missing or unreadable file is bad input, not an internal error
    if (Files.isDirectory(file)) {
      throw new InvalidInputException(file + " is a directory, not a .npy file");
    }
    if (!Files.exists(file)) {
      throw new InvalidInputException(file + ": no such file");
    }
    if (!Files.isReadable(file)) {
      throw new InvalidInputException(file + " is not readable (permission denied)");
    }
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
      return read(in, manager, file.toString());
    } catch (java.nio.file.FileSystemException e) {
      throw new InvalidInputException(
          "cannot read "
              + file
              + ": "
              + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason()),
          e);
    }
  }

  /**
   * Reads {@code .npy} bytes from a stream.
   *
   * @param in the stream, positioned at the magic string; it must end where the array's data ends
   * @param manager where the array goes
   * @param what a name for messages
   * @return the array
   * @throws IOException on read failure
   */
  public static NDArray read(InputStream in, NDManager manager, String what) throws IOException {
    byte[] magic = in.readNBytes(6);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new InvalidInputException(what + " is not a .npy file (bad magic)");
    }
    int major = in.read();
    int minor = in.read();
    if (minor < 0) {
      throw new InvalidInputException(what + " is truncated: it ends inside the .npy preamble");
    }
    long headerLen;
    if (major == 1) {
      headerLen = unsignedLittleEndian(in.readNBytes(2), 2, what);
    } else if (major == 2 || major == 3) {
      headerLen = unsignedLittleEndian(in.readNBytes(4), 4, what);
    } else {
      throw new InvalidInputException(what + ": unsupported .npy version " + major);
    }
    // refuse before allocating: a corrupt length would otherwise ask for gigabytes
    if (headerLen > MAX_HEADER) {
      throw new InvalidInputException(
          what
              + ": .npy header length "
              + headerLen
              + " is implausible (more than "
              + MAX_HEADER
              + " bytes)");
    }
    byte[] headerBytes = in.readNBytes((int) headerLen);
    if (headerBytes.length != headerLen) {
      throw new InvalidInputException(
          what + " is truncated: " + headerBytes.length + " of " + headerLen + " header bytes");
    }
    String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, what, "descr");
    if ("True".equals(group(FORTRAN, header, what, "fortran_order"))) {
      throw new InvalidInputException(
          what + ": Fortran-order arrays are not supported; save with C order");
    }
    DataType type = typeOf(descr, what);
    long[] dims = dims(group(SHAPE, header, what, "shape"), what);
    Shape shape = new Shape(dims);
    long bytes;
    try {
      long count = 1;
      for (long d : dims) {
        count = Math.multiplyExact(count, d);
      }
      bytes = Math.multiplyExact(count, (long) type.getNumOfBytes());
    } catch (ArithmeticException e) {
      throw new InvalidInputException(
          what + " is too large: shape " + shape + " overflows 64-bit sizes");
    }
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException(
          what + " is too large: " + bytes + " data bytes for shape " + shape + " (at most 2 GiB)");
    }
    // readNBytes grows its buffer as bytes arrive, so a short file never costs the declared size
    byte[] data = in.readNBytes((int) bytes);
    if (data.length != bytes) {
      throw new InvalidInputException(
          what
              + " is truncated: "
              + data.length
              + " of "
              + bytes
              + " data bytes for shape "
              + shape);
    }
    if (in.read() != -1) {
      throw new InvalidInputException(
          what
              + " has bytes after its "
              + bytes
              + " data bytes for shape "
              + shape
              + " (corrupt or not one array)");
    }
    ByteBuffer buf = ByteBuffer.allocateDirect(data.length).order(ByteOrder.nativeOrder());
    buf.put(data);
    buf.rewind();
    return manager.create(buf, shape, type);
  }

  private static long unsignedLittleEndian(byte[] b, int n, String what) {
    if (b.length != n) {
      throw new InvalidInputException(
          what + " is truncated: it ends inside the .npy header length");
    }
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = v << 8 | (b[i] & 0xff);
    }
    return v;
  }

  /** The shape tuple's entries: plain non-negative decimal integers only. */
  private static long[] dims(String tuple, String what) {
    String[] parts = tuple.split(",", -1);
    long[] dims = new long[parts.length];
    int n = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.isEmpty() && i == parts.length - 1 && i > 0) {
        break; // the trailing comma of "(3,)"
      }
      if (p.isEmpty() && parts.length == 1) {
        break; // "()": a scalar
      }
      if (!p.matches("[0-9]{1,19}")) {
        throw new InvalidInputException(
            what
                + ": .npy shape ("
                + tuple
                + ") has an invalid dimension '"
                + p
                + "' (each must be a non-negative integer)");
      }
      try {
        dims[n++] = Long.parseLong(p);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(
            what + ": .npy shape (" + tuple + ") has a dimension too large: " + p);
      }
    }
    return Arrays.copyOf(dims, n);
  }

  /**
   * Writes an array as {@code .npy} (version 1), atomically: a partial file never appears.
   *
   * @param array the array (float32, float64, int32, int64, uint8 or bool)
   * @param file the destination
   * @throws IOException on write failure
   */
  public static void write(NDArray array, Path file) throws IOException {
    String descr = descrOf(array.getDataType());
    Shape s = array.getShape();
    StringBuilder shape = new StringBuilder("(");
    for (int i = 0; i < s.dimension(); i++) {
      shape.append(s.get(i)).append(s.dimension() == 1 ? "," : (i + 1 < s.dimension() ? ", " : ""));
    }
    shape.append(')');
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int unpadded = 10 + dict.length() + 1;
    int pad = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    byte[] data = array.toByteArray();
    ByteBuffer le = ByteBuffer.wrap(data);
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new IOException("big-endian hosts are not supported");
    }
    AtomicFiles.write(
        file,
        out -> {
          out.write(MAGIC);
          out.write(
              new byte[] {1, 0, (byte) (header.length() & 0xff), (byte) (header.length() >> 8)});
          out.write(header.getBytes(StandardCharsets.ISO_8859_1));
          out.write(le.array());
        });
  }

  private static String group(Pattern p, String header, String what, String key) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new InvalidInputException(
          what + ": .npy header has no '" + key + "': " + header.trim());
    }
    return m.group(1);
  }

  private static DataType typeOf(String descr, String what) {
    DataType t = DTYPES.get(descr);
    if (t == null) {
      throw new InvalidInputException(
          what
              + ": unsupported dtype '"
              + descr
              + "' (use float32, float64, int32, int64, uint8 or bool)");
    }
    return t;
  }

  private static String descrOf(DataType t) {
    String descr = DTYPES.inverse().get(t);
    if (descr == null) {
      throw new IllegalArgumentException("cannot write " + t + " as .npy");
    }
    return descr;
  }
}
