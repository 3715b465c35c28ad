package org.admm4j.datasets;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes minimal ustar archives (regular files, GNU long names, pax headers) for extraction tests. */
final class TarBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  TarBytes file(String name, byte[] content) {
    return entry(name, "", '0', content);
  }

  /** A ustar entry whose name is split into prefix and name fields. */
  TarBytes fileWithPrefix(String prefix, String name, byte[] content) {
    return entry(name, prefix, '0', content);
  }

  TarBytes directory(String name) {
    return entry(name, "", '5', new byte[0]);
  }

  /** A GNU 'L' long-name entry, then the file under a truncated name. */
  TarBytes gnuLongName(String longName, byte[] content) {
    entry("././@LongLink", "", 'L', (longName + "\0").getBytes(StandardCharsets.UTF_8));
    return entry(longName.substring(0, Math.min(99, longName.length())), "", '0', content);
  }

  /** A pax 'x' header carrying the path, then the file under a placeholder name. */
  TarBytes paxPath(String path, byte[] content) {
    String body = " path=" + path + "\n";
    int len = body.length();
    len += String.valueOf(len + String.valueOf(len).length()).length();
    entry("PaxHeader", "", 'x', (len + body).getBytes(StandardCharsets.UTF_8));
    return entry("placeholder", "", '0', content);
  }

  byte[] finish() {
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  private TarBytes entry(String name, String prefix, char type, byte[] content) {
    byte[] h = new byte[512];
    put(h, 0, name, 100);
    put(h, 100, "0000644", 8);
    put(h, 108, "0000000", 8);
    put(h, 116, "0000000", 8);
    put(h, 124, String.format("%011o", content.length), 12);
    put(h, 136, "00000000000", 12);
    h[156] = (byte) type;
    put(h, 257, "ustar", 6);
    put(h, 263, "00", 2);
    put(h, 345, prefix, 155);
    // Checksum: sum of header bytes with the checksum field as spaces.
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o\0 ", sum), 8);
    out.writeBytes(h);
    out.writeBytes(content);
    out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    return this;
  }

  private static void put(byte[] h, int offset, String s, int max) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, offset, Math.min(b.length, max));
  }
}
