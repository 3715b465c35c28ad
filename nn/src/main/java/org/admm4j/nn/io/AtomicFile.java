package org.admm4j.nn.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The one way admm4j replaces a file, so that after a failure or a kill at any moment the file is either
 * the old complete file or the new complete one: the contents go to a fresh file beside the target
 * ({@code .NAME.<16 hex>.tmp}, same folder, so the move cannot cross file systems), which is forced to
 * the disk, moved over the target (atomically where the file system can) and then the folder is forced,
 * so the move itself survives a power loss. A failure before the move removes the fresh file and leaves
 * the target as it was; the exception names the target, not the fresh file.
 *
 * <p>Every operation goes through the target's {@link java.nio.file.FileSystem} ({@code Files}, {@code
 * FileChannel.open}), so a test can hand in a path of a file system that injects faults. A kill (SIGKILL,
 * power loss) cannot run the clean-up: its fresh file stays until {@link #removeLeftovers} is called on
 * the folder (a resumed run does this).
 *
 * <p>The fresh file is opened here with {@code CREATE_NEW}, not made by {@code Files.createTempFile}
 * (owner-only, 0600): a model or report gets the umask's permissions like any file the user writes.
 */
public final class AtomicFile {

  /** Writes the new contents to {@code out}; need not close it (closing it is harmless). */
  @FunctionalInterface
  public interface Contents {
    void writeTo(OutputStream out) throws IOException;
  }

  private static final Pattern LEFTOVER = Pattern.compile("\\..+\\.[0-9a-f]{16}\\.tmp");
  private static final int BUFFER_BYTES = 1 << 16;

  private AtomicFile() {}

  /** Replaces {@code target} by {@code bytes}. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /**
   * Creates {@code target}'s folders, writes {@code contents} beside it, forces them to the disk, moves
   * them over the target and forces the folder.
   *
   * @throws FileWriteException naming {@code target} and the reason; the target is unchanged when it comes
   *     from any step before the move (only a failure to force the folder comes after it)
   */
  public static void write(Path target, Contents contents) throws IOException {
    Path file = target.toAbsolutePath();
    Path dir = file.getParent();
    Path fresh = dir.resolve(String.format("." + file.getFileName() + ".%016x.tmp",
        ThreadLocalRandom.current().nextLong()));
    boolean moved = false;
    try {
      Files.createDirectories(dir);
      try (FileChannel ch = FileChannel.open(fresh, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(new Unclosable(Channels.newOutputStream(ch)), BUFFER_BYTES);
        contents.writeTo(out);
        out.flush();
        ch.force(true);
      }
      move(fresh, file);
      moved = true;
    } catch (IOException e) {
      throw new FileWriteException("cannot write " + file + ": " + reason(e), e);
    } finally {
      if (!moved) {
        deleteQuietly(fresh);
      }
    }
    try {
      forceFolder(dir);
    } catch (IOException e) {
      throw new FileWriteException(file + " was written, but its folder could not be forced to the disk (a power loss"
          + " now could undo the write): " + reason(e), e);
    }
  }

  /**
   * Deletes the fresh files a killed write left in {@code dir} (names {@code .NAME.<16 hex>.tmp}); returns
   * how many. Call it only on a folder no other write is using at the time.
   */
  public static int removeLeftovers(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        if (LEFTOVER.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
          Files.delete(p);
          removed++;
        }
      }
    }
    return removed;
  }

  private static void deleteQuietly(Path fresh) {
    try {
      Files.deleteIfExists(fresh);
    } catch (IOException e) {
      // the write's own failure is the one to report; removeLeftovers takes the file later
    }
  }

  private static void move(Path fresh, Path file) throws IOException {
    try {
      Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Forces the folder's entries (the move) to the disk. Only POSIX file systems let a folder be opened
   * for that; elsewhere (Windows) the move is as durable as the file system makes it.
   */
  private static void forceFolder(Path dir) throws IOException {
    if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** The reason of a failure in words, without the fresh file's name. */
  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such folder";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** Lets a writer close its stream (try-with-resources) without closing the channel before it is forced. */
  private static final class Unclosable extends FilterOutputStream {
    Unclosable(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
