package org.admm4j.nn.compact;

import java.nio.ByteBuffer;

/**
 * What the entropy-coded encodings share: Elias-gamma classes (v ≥ 1 is its class c = ⌊log2 v⌋, Huffman-coded,
 * then its c low bits raw, as DEFLATE's distance codes) and the tables of 4-bit Huffman code lengths, two
 * symbols a byte, high nibble first, a padding nibble of 0 after an odd count, no table for a one-symbol
 * alphabet (its code is empty).
 */
final class CodeTables {

  private CodeTables() {}

  /** ⌊log2 v⌋ for v ≥ 1. */
  static int classOf(long v) {
    return 63 - Long.numberOfLeadingZeros(v);
  }

  /** Bytes of the code-length table of an alphabet of {@code alphabet} symbols. */
  static int tableBytes(int alphabet) {
    return alphabet == 1 ? 0 : (alphabet + 1) / 2;
  }

  static void put(ByteBuffer out, HuffmanCode code) {
    int n = code.alphabetSize();
    if (n == 1) {
      return;
    }
    for (int s = 0; s < n; s += 2) {
      int hi = code.length(s);
      int lo = s + 1 < n ? code.length(s + 1) : 0;
      out.put((byte) (hi << 4 | lo));
    }
  }

  /**
   * The code of {@code n} symbols whose table starts at {@code at} (the caller checked its bytes are there).
   *
   * @throws IllegalArgumentException when the padding nibble is not 0 or the lengths are no prefix code
   */
  static HuffmanCode read(ByteBuffer in, int at, int n) {
    int[] lengths = new int[n];
    if (n > 1) {
      for (int s = 0; s < n; s++) {
        int b = Byte.toUnsignedInt(in.get(at + s / 2));
        lengths[s] = s % 2 == 0 ? b >>> 4 : b & 15;
      }
      if (n % 2 == 1 && (Byte.toUnsignedInt(in.get(at + n / 2)) & 15) != 0) {
        throw new IllegalArgumentException("the padding nibble of the table is not 0");
      }
    }
    return HuffmanCode.fromLengths(lengths);
  }
}
