package dev.ibex.api.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file all at once or not at all: the bytes go to a hidden sibling that is renamed over
 * the target when complete, so a reader (or a full disk) never sees a truncated file. The file gets
 * the mode the process's umask gives a new file, as any other program's output would.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * The target cannot be written (a directory, no permission, a full disk): a problem with the
   * user's path or machine, not a bug, so a caller can report it as bad input.
   */
  public static final class WriteException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    WriteException(Path file, String reason) {
      super("cannot write " + file + ": " + reason);
      this.file = file;
    }

    WriteException(Path file, String reason, Throwable cause) {
      super("cannot write " + file + ": " + reason, cause);
      this.file = file;
    }

    /**
     * @return the path as the caller gave it
     */
    public Path file() {
      return file;
    }
  }

  /** What writes the file's bytes. */
  @FunctionalInterface
  public interface Body {
    /**
     * Writes the content.
     *
     * @param out the stream (closed by the caller)
     * @throws IOException on failure
     */
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code file} atomically, creating its parent directories.
   *
   * @param file the target; an existing regular file is replaced
   * @param body what writes the bytes
   * @throws WriteException naming {@code file} (not the temporary) when it is a directory, its
   *     parent cannot be made, or the write fails (e.g. a full disk); nothing is left behind
   */
  public static void write(Path file, Body body) throws IOException {
    Path target = file.toAbsolutePath();
    if (Files.isDirectory(target)) {
      throw new WriteException(file, "it is a directory");
    }
    Path parent = target.getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new WriteException(
          file, "cannot create its directory " + parent + " (" + obstacle(parent, e) + ")", e);
    }
    Path tmp = temporarySibling(target);
    try {
      try (OutputStream out =
          Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        body.writeTo(out);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException | Error e) {
      Files.deleteIfExists(tmp);
      if (e instanceof IOException io) {
        throw new WriteException(file, reason(io), io);
      }
      throw e;
    }
  }

  /**
   * Writes bytes atomically; see {@link #write(Path, Body)}.
   *
   * @param file the target
   * @param bytes the content
   * @throws IOException naming {@code file} on failure
   */
  public static void write(Path file, byte[] bytes) throws IOException {
    write(file, out -> out.write(bytes));
  }

  // Files.createTempFile would force mode 0600; a plain CREATE_NEW honours the umask.
  private static Path temporarySibling(Path target) throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      Path tmp =
          target.resolveSibling(
              "."
                  + target.getFileName()
                  + "."
                  + Long.toHexString(ThreadLocalRandom.current().nextLong())
                  + ".tmp");
      if (!Files.exists(tmp)) {
        return tmp;
      }
    }
    throw new FileAlreadyExistsException(target + ": no free temporary name beside it");
  }

  /**
   * Why {@code dir} cannot be made: a file where the path needs a directory is named, as the part
   * of the path to change ("cannot use /a/b: not a directory"); else the file system's reason.
   */
  private static String obstacle(Path dir, IOException e) {
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.exists(p)) { // the deepest part of the path that is there
        return Files.isDirectory(p) ? reason(e) : "cannot use " + p + ": not a directory";
      }
    }
    return reason(e);
  }

  private static String reason(IOException e) {
    if (e instanceof FileSystemException fs) {
      if (fs.getReason() != null) {
        return fs.getReason();
      }
      // e.g. AccessDeniedException carries only a path, maybe the temporary's: say what kind of
      // failure instead
      return e.getClass()
          .getSimpleName()
          .replace("Exception", "")
          .replaceAll("([a-z])([A-Z])", "$1 $2")
          .toLowerCase(Locale.ROOT);
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
