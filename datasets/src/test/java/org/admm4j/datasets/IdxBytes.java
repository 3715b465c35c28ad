package org.admm4j.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;

/** Builds IDX file bytes by hand, including broken ones, for reader tests. */
final class IdxBytes {
  private IdxBytes() {}

  /** A header with the given magic bytes 0–3 and dimension words, then {@code data}. */
  static byte[] of(int m0, int m1, int type, int rank, int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put((byte) m0).put((byte) m1).put((byte) type).put((byte) rank);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(data);
    return b.array();
  }

  /** A valid unsigned-byte file. */
  static byte[] valid(int[] dims, byte[] data) {
    return of(0, 0, 0x08, dims.length, dims, data);
  }

  static byte[] gzip(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }
}
