package org.admm4j.nn.compact;

import java.nio.ByteBuffer;

/** Reads what {@link BitWriter} wrote from {@code [from, to)} of a buffer; running past the end is an error. */
final class BitReader {

  private final ByteBuffer buf;
  private final long endBit;
  private long bit;

  BitReader(ByteBuffer buf, int from, int to) {
    this.buf = buf;
    this.bit = 8L * from;
    this.endBit = 8L * to;
  }

  /** The next bit, or -1 past the end. */
  int bit() {
    if (bit >= endBit) {
      return -1;
    }
    int b = buf.get((int) (bit >>> 3)) >>> (7 - (bit & 7)) & 1;
    bit++;
    return b;
  }

  /** The next {@code count} (≤ 31) bits as an unsigned number, or -1 when fewer are left. */
  int bits(int count) {
    if (endBit - bit < count) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < count; i++) {
      v = v << 1 | bit();
    }
    return v;
  }

  /** Whether only zero padding, less than one byte of it, is left. */
  boolean atPaddedEnd() {
    if (endBit - bit >= 8) {
      return false;
    }
    while (bit < endBit) {
      if (bit() != 0) {
        return false;
      }
    }
    return true;
  }
}
