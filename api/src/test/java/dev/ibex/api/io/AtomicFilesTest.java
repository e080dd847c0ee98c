package dev.ibex.api.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  private String[] entries(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
    }
  }

  @Test
  void aDirectoryTargetIsRefusedNamingItAndLeavesNothing() throws IOException {
    Path target = Files.createDirectory(dir.resolve("out"));
    assertThatThrownBy(() -> AtomicFiles.write(target, new byte[] {1}))
        .isInstanceOf(AtomicFiles.WriteException.class)
        .hasMessage("cannot write " + target + ": it is a directory");
    assertThat(entries(dir)).containsExactly("out");
    assertThat(entries(target)).isEmpty();
  }

  @Test
  void aFailingBodyLeavesNeitherTemporaryNorTargetAndKeepsTheOldFile() throws IOException {
    Path fresh = dir.resolve("fresh.json");
    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    fresh,
                    out -> {
                      out.write(new byte[100]);
                      throw new IOException("No space left on device");
                    }))
        .isInstanceOf(AtomicFiles.WriteException.class)
        .hasMessage("cannot write " + fresh + ": No space left on device");
    assertThat(entries(dir)).isEmpty();

    Path old = Files.writeString(dir.resolve("old.json"), "old", StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    old,
                    out -> {
                      throw new IllegalStateException("a bug in the writer");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(entries(dir)).containsExactly("old.json");
    assertThat(Files.readString(old)).isEqualTo("old");
  }

  @Test
  void replacesAnExistingFile() throws IOException {
    Path f =
        Files.writeString(
            dir.resolve("a.json"), "a much longer old content", StandardCharsets.UTF_8);
    AtomicFiles.write(f, "new".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(f)).isEqualTo("new");
    assertThat(entries(dir)).containsExactly("a.json");
  }

  @Test
  void theModeIsWhatTheUmaskGivesAnyNewFile() throws IOException {
    Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
    Path plain = dir.resolve("plain");
    Files.newOutputStream(plain).close();
    Path atomic = dir.resolve("atomic");
    AtomicFiles.write(atomic, new byte[] {1});
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(atomic)))
        .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)));
  }

  @Test
  void anUnwritableDirectoryNamesTheTargetAndLeavesNothing() throws IOException {
    Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      Assumptions.assumeFalse(
          Files.isWritable(locked), "running as root: every directory is writable");
      Path target = locked.resolve("r.json");
      assertThatThrownBy(() -> AtomicFiles.write(target, new byte[] {1}))
          .isInstanceOf(AtomicFiles.WriteException.class)
          .hasMessageStartingWith("cannot write " + target + ": ");
      assertThat(entries(locked)).isEmpty();
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
