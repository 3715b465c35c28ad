package org.admm4j.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format), raw or gzipped. Gzip is recognised by its magic bytes, not by
 * the file name. Every header field is validated before anything large is allocated, and the data
 * length must match the header exactly: a truncated file or trailing bytes are errors naming the file
 * and the field, never a short dataset.
 *
 * <p>Layout: bytes 0–1 are zero, byte 2 is the data type, byte 3 the rank; then one big-endian int32
 * per dimension; then the items, row-major. Only unsigned bytes (type 0x08) are supported.
 */
public final class IdxReader {
  /** IDX type code of unsigned bytes, the only type MNIST-like files use. */
  public static final int UNSIGNED_BYTE = 0x08;
  /** Largest rank accepted; real files have 1 (labels) or 3 (images). */
  public static final int MAX_RANK = 8;
  /** Largest data size accepted: the largest Java array. */
  public static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8;

  private static final int GZIP_MAGIC_0 = 0x1f;
  private static final int GZIP_MAGIC_1 = 0x8b;
  // A gzipped file's size says nothing about its content's, so its buffer grows in steps instead
  // of trusting a header that may be corrupt.
  private static final int GROW_STEP = 8 << 20;

  private IdxReader() {}

  /**
   * Reads and validates one IDX file.
   *
   * @throws DatasetException naming the file and the field when the file is missing, corrupt,
   *     truncated, has trailing bytes or an unsupported header
   */
  public static IdxFile read(Path file) throws DatasetException {
    MessageDigest sha = Sha256.newDigest();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      boolean gzip = startsWithGzipMagic(raw);
      try (InputStream content = new DigestInputStream(
          gzip ? new GZIPInputStream(raw, 1 << 16) : raw, sha)) {
        long rawSize = gzip ? -1 : Files.size(file);
        return parse(file, content, rawSize, gzip, sha);
      }
    } catch (NoSuchFileException e) {
      throw new DatasetException(file + ": file not found");
    } catch (EOFException e) {
      throw new DatasetException(file + ": gzip stream: ended early (truncated .gz file?): "
          + e.getMessage());
    } catch (ZipException e) {
      throw new DatasetException(file + ": gzip stream: corrupt: " + e.getMessage());
    } catch (IOException e) {
      throw new DatasetException(file + ": cannot read: " + e, e);
    }
  }

  private static boolean startsWithGzipMagic(InputStream in) throws IOException {
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1;
  }

  private static IdxFile parse(Path file, InputStream in, long rawSize, boolean gzip,
      MessageDigest sha) throws IOException, DatasetException {
    String what = gzip ? file + " (gzip content)" : file.toString();
    byte[] magic = in.readNBytes(4);
    if (magic.length < 4) {
      throw new DatasetException(what + ": magic: expected 4 bytes (0x00 0x00 type rank), found "
          + magic.length + " bytes (file too short)");
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw new DatasetException(what + ": magic bytes 0-1: expected 0x00 0x00, found "
          + hex(magic[0]) + " " + hex(magic[1]) + " (not an IDX file)");
    }
    int type = magic[2] & 0xff;
    if (type != UNSIGNED_BYTE) {
      throw new DatasetException(what + ": data type (byte 2): expected 0x08 (unsigned byte), found "
          + hex(magic[2]) + " (" + typeName(type) + ")");
    }
    int rank = magic[3] & 0xff;
    if (rank < 1 || rank > MAX_RANK) {
      throw new DatasetException(what + ": rank (byte 3): expected 1.." + MAX_RANK + ", found "
          + rank);
    }
    byte[] dimBytes = in.readNBytes(4 * rank);
    if (dimBytes.length < 4 * rank) {
      throw new DatasetException(what + ": dimensions: expected " + rank + " int32 sizes ("
          + 4 * rank + " bytes), found " + dimBytes.length + " bytes (truncated header)");
    }
    int[] dims = new int[rank];
    long elements = 1;
    for (int i = 0; i < rank; i++) {
      int d = ((dimBytes[4 * i] & 0xff) << 24) | ((dimBytes[4 * i + 1] & 0xff) << 16)
          | ((dimBytes[4 * i + 2] & 0xff) << 8) | (dimBytes[4 * i + 3] & 0xff);
      if (d < 0) {
        throw new DatasetException(what + ": dimension " + i + " of " + rank
            + ": expected a non-negative size, found " + d);
      }
      dims[i] = d;
      // Both factors are below 2^31, so the product of a capped value and one more stays in a long.
      elements = Math.min(elements * d, MAX_DATA_BYTES + 1);
    }
    if (elements > MAX_DATA_BYTES) {
      throw new DatasetException(what + ": dimensions " + Arrays.toString(dims)
          + ": expected at most " + MAX_DATA_BYTES + " bytes of data, found more");
    }
    long headerBytes = 4L + 4L * rank;
    if (rawSize >= 0 && rawSize != headerBytes + elements) {
      throw new DatasetException(what + ": length: dimensions " + Arrays.toString(dims)
          + " need " + (headerBytes + elements) + " bytes, found " + rawSize + " bytes ("
          + (rawSize < headerBytes + elements ? "truncated" : "trailing bytes after the data")
          + ")");
    }
    byte[] data = readData(in, (int) elements);
    if (data.length < elements) {
      throw new DatasetException(what + ": length: dimensions " + Arrays.toString(dims)
          + " need " + (headerBytes + elements) + " bytes, found " + (headerBytes + data.length)
          + " bytes (truncated)");
    }
    if (in.read() >= 0) {
      long extra = 1 + in.transferTo(OutputStream.nullOutputStream());
      throw new DatasetException(what + ": length: dimensions " + Arrays.toString(dims)
          + " need " + (headerBytes + elements) + " bytes, found " + (headerBytes + elements + extra)
          + " bytes (trailing bytes after the data)");
    }
    return new IdxFile(file, type, dims, data, HexFormat.of().formatHex(sha.digest()));
  }

  /** Reads up to {@code n} bytes, growing the buffer as data arrives; shorter only at end of stream. */
  private static byte[] readData(InputStream in, int n) throws IOException {
    byte[] buf = new byte[Math.min(n, GROW_STEP)];
    int filled = 0;
    while (filled < n) {
      if (filled == buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(n, Math.max((long) buf.length * 2, GROW_STEP)));
      }
      int r = in.read(buf, filled, buf.length - filled);
      if (r < 0) {
        return Arrays.copyOf(buf, filled);
      }
      filled += r;
    }
    return buf;
  }

  private static String hex(byte b) {
    return String.format("0x%02X", b & 0xff);
  }

  private static String typeName(int type) {
    switch (type) {
      case 0x09: return "signed byte, not supported";
      case 0x0B: return "int16, not supported";
      case 0x0C: return "int32, not supported";
      case 0x0D: return "float32, not supported";
      case 0x0E: return "float64, not supported";
      default: return "not an IDX data type";
    }
  }
}
