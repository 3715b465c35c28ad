package org.admm4j.nn.compact;

import java.util.Arrays;

/** Bits appended most significant first into bytes; the last byte is padded with zeros. */
final class BitWriter {

  private byte[] out = new byte[64];
  private long bits;

  void write(int value, int count) {
    for (int i = count - 1; i >= 0; i--) {
      int byteIndex = (int) (bits >>> 3);
      if (byteIndex == out.length) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      if ((value >>> i & 1) != 0) {
        out[byteIndex] |= (byte) (0x80 >>> (bits & 7));
      }
      bits++;
    }
  }

  long bitCount() {
    return bits;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(out, (int) ((bits + 7) >>> 3));
  }
}
