package org.admm4j.datasets;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * Writes unsigned-byte IDX files, atomically, so a reader never sees half a file: a temporary file beside
 * the target, forced to the disk, moved over it, then the folder forced (the protocol of nn's {@code
 * AtomicFile}, which this module cannot use: datasets depends on no other module). Used to fill the cache
 * (every cached file is checked against its SHA-256 when read) and by tests.
 */
public final class IdxWriter {
  private IdxWriter() {}

  /**
   * Writes {@code data} with the given dimensions.
   *
   * @param gzip whether to gzip the file
   * @return hex SHA-256 of the uncompressed content (header and data)
   * @throws IllegalArgumentException if the dimensions do not multiply to {@code data.length}
   */
  public static String write(Path file, int[] dimensions, byte[] data, boolean gzip)
      throws IOException {
    if (dimensions.length < 1 || dimensions.length > IdxReader.MAX_RANK) {
      throw new IllegalArgumentException("rank must be 1.." + IdxReader.MAX_RANK + ", got "
          + dimensions.length);
    }
    long product = 1;
    for (int d : dimensions) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension " + d);
      }
      product *= d;
    }
    if (product != data.length) {
      throw new IllegalArgumentException("dimensions multiply to " + product + " but data has "
          + data.length + " bytes");
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      MessageDigest sha = Sha256.newDigest();
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        OutputStream fileOut = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        OutputStream packed = gzip ? new GZIPOutputStream(fileOut, 1 << 16) : fileOut;
        OutputStream out = new DigestOutputStream(packed, sha);
        out.write(new byte[] {0, 0, (byte) IdxReader.UNSIGNED_BYTE, (byte) dimensions.length});
        for (int d : dimensions) {
          out.write(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
        }
        out.write(data);
        if (packed instanceof GZIPOutputStream g) {
          g.finish();
        }
        out.flush();
        ch.force(true);
      }
      // Temporary files are created owner-only; a data file is an ordinary readable file.
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the default permissions are fine.
      }
      moveAtomically(tmp, file);
      forceFolder(dir);
      return HexFormat.of().formatHex(sha.digest());
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Forces the move to the disk; only POSIX file systems let a folder be opened for that. */
  private static void forceFolder(Path dir) throws IOException {
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true);
      }
    }
  }

  static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
