package org.admm4j.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Extracts chosen regular files from a .tgz (an npm package) with nothing but the JDK. Understands
 * ustar names with prefix, GNU long names and pax path records; other entries are skipped.
 */
final class TarGzReader {
  private static final int BLOCK = 512;

  private TarGzReader() {}

  /**
   * Copies the entries named {@code prefix + n} for each {@code n} in {@code names} to
   * {@code destination/n}; returns the names found, mapped to where they were written. Entry names are
   * never used as paths, so an archive cannot write outside {@code destination}.
   */
  static Map<String, Path> extract(Path archive, String prefix, Set<String> names, Path destination)
      throws IOException {
    try {
      return extractEntries(archive, prefix, names, destination);
    } catch (EOFException e) {
      throw new IOException(archive + ": gzip stream ended early (truncated download?)");
    } catch (ZipException e) {
      throw new IOException(archive + ": gzip stream corrupt: " + e.getMessage());
    }
  }

  private static Map<String, Path> extractEntries(Path archive, String prefix, Set<String> names,
      Path destination) throws IOException {
    Map<String, Path> written = new HashMap<>();
    try (InputStream in = new GZIPInputStream(
        new BufferedInputStream(Files.newInputStream(archive), 1 << 16), 1 << 16)) {
      byte[] header = new byte[BLOCK];
      // one copy buffer for the whole archive: a 512-byte entry must not cost a 64 KiB allocation
      byte[] buf = new byte[1 << 16];
      String overrideName = null;
      while (true) {
        if (in.readNBytes(header, 0, BLOCK) < BLOCK) {
          throw new IOException(archive + ": tar: truncated header block");
        }
        if (isZero(header)) {
          return written;
        }
        long size = octal(archive, header, 124, 12);
        byte type = header[156];
        if (type == 'L' || type == 'x') {
          // GNU long name or pax extended header: applies to the next entry.
          byte[] body = readBody(archive, in, size, buf);
          overrideName = type == 'L' ? cString(body, 0, body.length) : paxPath(body);
          continue;
        }
        String name = overrideName != null ? overrideName : entryName(header);
        overrideName = null;
        boolean regular = type == '0' || type == 0;
        String shortName = name.startsWith(prefix) ? name.substring(prefix.length()) : null;
        if (regular && shortName != null && names.contains(shortName)) {
          Path target = destination.resolve(shortName);
          try (OutputStream out = Files.newOutputStream(target)) {
            copy(archive, in, out, size, buf);
          }
          skip(archive, in, padding(size), buf);
          written.put(shortName, target);
        } else {
          skip(archive, in, size + padding(size), buf);
        }
      }
    }
  }

  private static String entryName(byte[] header) {
    String name = cString(header, 0, 100);
    boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    String prefix = ustar ? cString(header, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private static String paxPath(byte[] body) {
    // Records are "LEN key=value\n".
    String text = new String(body, StandardCharsets.UTF_8);
    for (String record : text.split("\n")) {
      int space = record.indexOf(' ');
      if (space >= 0 && record.startsWith("path=", space + 1)) {
        return record.substring(space + 1 + "path=".length());
      }
    }
    return null;
  }

  private static long octal(Path archive, byte[] header, int offset, int length)
      throws IOException {
    long value = 0;
    for (int i = offset; i < offset + length; i++) {
      int c = header[i] & 0xff;
      if (c == 0 || c == ' ') {
        if (value > 0) {
          break;
        }
        continue;
      }
      if (c < '0' || c > '7') {
        throw new IOException(archive + ": tar: size field: expected octal digits, found byte "
            + c);
      }
      value = value * 8 + (c - '0');
    }
    return value;
  }

  private static byte[] readBody(Path archive, InputStream in, long size, byte[] buf) throws IOException {
    if (size > 1 << 20) {
      throw new IOException(archive + ": tar: extended header of " + size + " bytes, expected < 1 MiB");
    }
    byte[] body = in.readNBytes((int) size);
    if (body.length < size) {
      throw new IOException(archive + ": tar: truncated extended header");
    }
    skip(archive, in, padding(size), buf);
    return body;
  }

  private static void copy(Path archive, InputStream in, OutputStream out, long size, byte[] buf)
      throws IOException {
    long left = size;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        throw new IOException(archive + ": tar: entry truncated, " + left + " bytes missing");
      }
      out.write(buf, 0, r);
      left -= r;
    }
  }

  private static void skip(Path archive, InputStream in, long n, byte[] buf) throws IOException {
    copy(archive, in, OutputStream.nullOutputStream(), n, buf);
  }

  private static long padding(long size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String cString(byte[] bytes, int offset, int length) {
    int end = offset;
    while (end < offset + length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
  }
}
