package dev.ibex.api.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ibex.api.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @AutoClose private static final NDManager manager = NDManager.newBaseManager();
  @TempDir Path dir;

  @Test
  void readsNumpyWrittenFixture() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/parity/plain/x.npy")) {
      NDArray x = Npy.read(in, manager, "x.npy");
      assertThat(x.getShape()).isEqualTo(new Shape(4, 3, 32, 32));
      assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
    }
    try (InputStream in = getClass().getResourceAsStream("/parity/plain/y.npy")) {
      NDArray y = Npy.read(in, manager, "y.npy");
      assertThat(y.getDataType()).isEqualTo(DataType.INT64);
      assertThat(y.toLongArray()).containsExactly(1, 3, 5, 7);
    }
  }

  @Test
  void roundTripsEveryTypeAndScalarShapes() throws IOException {
    for (DataType t :
        new DataType[] {DataType.FLOAT32, DataType.FLOAT64, DataType.INT32, DataType.INT64}) {
      NDArray a = manager.arange(24f).reshape(2, 3, 4).toType(t, false);
      Path f = dir.resolve(t + ".npy");
      Npy.write(a, f);
      NDArray b = Npy.read(f, manager);
      assertThat(b.getShape()).isEqualTo(a.getShape());
      assertThat(b.getDataType()).isEqualTo(t);
      assertThat(b.contentEquals(a)).isTrue();
    }
    NDArray v = manager.create(new float[] {1.5f});
    Npy.write(v, dir.resolve("v.npy"));
    assertThat(Npy.read(dir.resolve("v.npy"), manager).toFloatArray()).containsExactly(1.5f);
  }

  @Test
  void headerIsPaddedToSixtyFourBytes() throws IOException {
    Path f = dir.resolve("a.npy");
    Npy.write(manager.zeros(new Shape(3, 5)), f);
    byte[] bytes = Files.readAllBytes(f);
    assertThat((bytes.length - 3 * 5 * 4) % 64).isZero();
    assertThat(
            new String(
                Arrays.copyOfRange(bytes, 10, 70), java.nio.charset.StandardCharsets.ISO_8859_1))
        .contains("'shape': (3, 5)");
  }

  @Test
  void rejectsNonNpyAndTruncatedFiles() throws IOException {
    Path junk = dir.resolve("junk.npy");
    Files.writeString(junk, "not numpy at all");
    assertThatThrownBy(() -> Npy.read(junk, manager))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a .npy file");
    Path good = dir.resolve("good.npy");
    Npy.write(manager.ones(new Shape(10)), good);
    byte[] all = Files.readAllBytes(good);
    Path cut = dir.resolve("cut.npy");
    Files.write(cut, Arrays.copyOf(all, all.length - 8));
    assertThatThrownBy(() -> Npy.read(cut, manager))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void failedWriteLeavesNothingBehind() throws IOException {
    NDArray strings = manager.create(new String[] {"a"});
    Path f = dir.resolve("s.npy");
    assertThatThrownBy(() -> Npy.write(strings, f)).isInstanceOf(IllegalArgumentException.class);
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  /**
   * A .npy file with the given version, header text and data bytes; the header length field is
   * {@code len}.
   */
  private Path npy(String name, int major, String header, long len, byte[] data)
      throws IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    int n = major == 1 ? 2 : 4;
    for (int i = 0; i < n; i++) {
      b.write((int) (len >>> (8 * i)) & 0xff);
    }
    b.write(header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    b.write(data);
    Path f = dir.resolve(name);
    Files.write(f, b.toByteArray());
    return f;
  }

  private Path npy(String name, String shape, byte[] data) throws IOException {
    String h = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }\n";
    return npy(name, 1, h, h.length(), data);
  }

  private void assertRejected(Path f, String message) {
    assertThatThrownBy(() -> Npy.read(f, manager))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(f.toString())
        .hasMessageContaining(message);
  }

  @Test
  void rejectsCorruptHeadersNamingTheFile() throws IOException {
    assertRejected(npy("neg.npy", "(-1, 3)", new byte[12]), "invalid dimension '-1'");
    assertRejected(npy("long.npy", "(4L, 3)", new byte[48]), "invalid dimension '4L'");
    assertRejected(
        npy("overflow.npy", "(4294967296, 4294967296, 16)", new byte[0]), "overflows 64-bit sizes");
    assertRejected(npy("huge.npy", "(1000000, 1000000)", new byte[0]), "is too large");
    assertRejected(npy("junk.npy", "(2, x)", new byte[0]), "invalid dimension 'x'");
    String h = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n";
    // 0xFFFFFFF0 is refused from the length field alone: the file holds a few bytes, no 4 GiB
    // buffer is asked for
    assertRejected(
        npy("v2huge.npy", 2, h, 0xFFFFFFF0L, new byte[4]),
        "header length 4294967280 is implausible");
    assertRejected(npy("v2short.npy", 2, h, h.length() + 100, new byte[4]), "truncated");
  }

  @Test
  void acceptsTheUsualShapeSpellings() throws IOException {
    assertThat(Npy.read(npy("s.npy", "()", new byte[4]), manager).getShape())
        .isEqualTo(new Shape());
    assertThat(Npy.read(npy("v.npy", "(3,)", new byte[12]), manager).getShape())
        .isEqualTo(new Shape(3));
    assertThat(Npy.read(npy("m.npy", "(2, 0)", new byte[0]), manager).getShape())
        .isEqualTo(new Shape(2, 0));
    String h = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n";
    assertThat(Npy.read(npy("v2.npy", 2, h, h.length(), new byte[8]), manager).getShape())
        .isEqualTo(new Shape(2));
  }

  @Test
  void rejectsTrailingBytes() throws IOException {
    assertRejected(npy("tail.npy", "(3,)", new byte[13]), "has bytes after its 12 data bytes");
  }

  @Test
  void unusablePathsAreInvalidInputNamingThePath() throws IOException {
    assertRejected(dir.resolve("absent.npy"), "no such file");
    assertRejected(dir, "is a directory");
  }
}
