package org.admm4j.nn.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file so that readers see either the old file or the whole new one: the contents go to a
 * fresh file beside the target, which is then moved over it (atomically where the file system can). A
 * failure removes the fresh file and leaves the target as it was. The fresh file is named here, not made
 * by {@code Files.createTempFile}, whose files are owner-only (0600): a model or report gets the umask's
 * permissions like any other file the user writes.
 */
public final class AtomicFile {

  /** Writes the new contents to a path that does not exist yet (open it with {@code CREATE_NEW}). */
  @FunctionalInterface
  public interface Contents {
    void writeTo(Path fresh) throws IOException;
  }

  private AtomicFile() {}

  /** Creates {@code target}'s directories, writes {@code contents} beside it and moves them over it. */
  public static void write(Path target, Contents contents) throws IOException {
    Path file = target.toAbsolutePath();
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path fresh = dir.resolve("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
        + ".tmp");
    try {
      contents.writeTo(fresh);
      try {
        Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(fresh);
    }
  }
}
