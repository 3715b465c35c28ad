package org.admm4j.nn.compact;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The gapped encoding of format version 2, for a sparse tensor whose non-zeros take many values (biases of a
 * pruned network, most of them zero once {@code UnreadUnits} has run): per non-zero the gap to the previous
 * one as in {@link CodedTensor}, then its value, either as float32 bits or, when every value is an integer
 * multiple of one power of two (what {@link FixedPoint} rounds to), as that integer. Payload:
 * <pre>
 *   u8 mode: 0 float32 values, 1 fixed point
 *   u8 G (1..31): the gap alphabet, then its code-length table ({@link CodeTables})
 *   mode 1: i8 e (the values are q·2^e), u8 M (1..31): the alphabet of magnitude classes, then its table
 *   bits, most significant first, per non-zero: the gap's class c (Huffman), c raw bits; then
 *     mode 0: the value's 32 bits; mode 1: |q|'s class m = ⌊log2 |q|⌋ (Huffman), m raw bits, a sign bit (1: −)
 *   zero padding
 * </pre>
 * Mode 1 is exact: the decoded value is {@code Math.scalb((float) ±q, e)}, and the writer uses it only when that
 * gives every value back bit for bit. The writer stores whichever mode is smaller.
 */
final class GappedTensor {

  static final int FLOAT_BITS = 0;
  static final int FIXED_POINT = 1;

  /** Magnitude classes: |q| < 2^31. */
  static final int MAX_CLASSES = 31;

  private GappedTensor() {}

  /** The smaller payload of the two modes for {@code data}, or null when it has no non-zero. */
  static byte[] encode(float[] data) {
    if (CodedTensor.entries(data) == 0) {
      return null;
    }
    byte[] floats = encode(data, Integer.MIN_VALUE);
    int e = commonExponent(data);
    if (e == Integer.MIN_VALUE) {
      return floats;
    }
    byte[] fixed = encode(data, e);
    return fixed.length < floats.length ? fixed : floats;
  }

  /**
   * The largest e in [−128, 127] such that every non-zero is q·2^e with an integer 1 ≤ |q| < 2^31, or
   * {@code Integer.MIN_VALUE} when there is none (a −0, an infinity or NaN, or values too far apart).
   */
  static int commonExponent(float[] data) {
    int e = Integer.MAX_VALUE;
    for (float v : data) {
      int bits = Float.floatToRawIntBits(v);
      if (bits == 0) {
        continue;
      }
      if (v == 0f || !Float.isFinite(v)) {
        return Integer.MIN_VALUE;
      }
      e = Math.min(e, lowestBit(v));
    }
    e = Math.min(e, 127);
    if (e < -128) {
      return Integer.MIN_VALUE;
    }
    for (float v : data) {
      if (Float.floatToRawIntBits(v) != 0 && Math.abs((double) v) / Math.scalb(1.0, e) >= 0x1p31) {
        return Integer.MIN_VALUE;
      }
    }
    return e;
  }

  /** The exponent of the lowest set bit of a finite non-zero {@code v}: v = odd · 2^result. */
  private static int lowestBit(float v) {
    int bits = Float.floatToRawIntBits(v);
    int exponent = bits >>> 23 & 0xFF;
    int mantissa = bits & 0x7FFFFF;
    if (exponent == 0) {
      return -149 + Integer.numberOfTrailingZeros(mantissa); // subnormal: mantissa · 2^−149
    }
    return exponent - 150 + Integer.numberOfTrailingZeros(mantissa | 0x800000);
  }

  /** Mode 1 with exponent {@code e}, or mode 0 when {@code e} is {@code Integer.MIN_VALUE}. */
  private static byte[] encode(float[] data, int e) {
    boolean fixed = e != Integer.MIN_VALUE;
    long[] gapFreq = new long[MAX_CLASSES];
    long[] magFreq = new long[MAX_CLASSES];
    int maxGap = 0;
    int maxMag = 0;
    int last = -1;
    for (int i = 0; i < data.length; i++) {
      if (Float.floatToRawIntBits(data[i]) == 0) {
        continue;
      }
      int c = CodeTables.classOf(i - last);
      gapFreq[c]++;
      maxGap = Math.max(maxGap, c);
      if (fixed) {
        int m = CodeTables.classOf(magnitude(data[i], e));
        magFreq[m]++;
        maxMag = Math.max(maxMag, m);
      }
      last = i;
    }
    HuffmanCode gaps = HuffmanCode.forFrequencies(Arrays.copyOf(gapFreq, maxGap + 1));
    HuffmanCode mags = fixed ? HuffmanCode.forFrequencies(Arrays.copyOf(magFreq, maxMag + 1)) : null;
    BitWriter bits = new BitWriter();
    last = -1;
    for (int i = 0; i < data.length; i++) {
      if (Float.floatToRawIntBits(data[i]) == 0) {
        continue;
      }
      int v = i - last;
      int c = CodeTables.classOf(v);
      gaps.write(bits, c);
      bits.write(v & ((1 << c) - 1), c);
      if (fixed) {
        long q = magnitude(data[i], e);
        int m = CodeTables.classOf(q);
        mags.write(bits, m);
        bits.write((int) (q & ((1L << m) - 1)), m);
        bits.write(data[i] < 0 ? 1 : 0, 1);
        if (decoded(q, data[i] < 0, e) != data[i]) {
          throw new AssertionError(data[i] + " is not " + q + "·2^" + e);
        }
      } else {
        int raw = Float.floatToRawIntBits(data[i]);
        bits.write(raw >>> 16, 16);
        bits.write(raw & 0xFFFF, 16);
      }
      last = i;
    }
    byte[] stream = bits.toByteArray();
    int head = 2 + CodeTables.tableBytes(gaps.alphabetSize()) + (fixed ? 2 + CodeTables.tableBytes(maxMag + 1) : 0);
    ByteBuffer out = ByteBuffer.allocate(head + stream.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put((byte) (fixed ? FIXED_POINT : FLOAT_BITS));
    out.put((byte) gaps.alphabetSize());
    CodeTables.put(out, gaps);
    if (fixed) {
      out.put((byte) e);
      out.put((byte) mags.alphabetSize());
      CodeTables.put(out, mags);
    }
    out.put(stream);
    return out.array();
  }

  private static long magnitude(float v, int e) {
    return (long) (Math.abs((double) v) / Math.scalb(1.0, e));
  }

  private static float decoded(long q, boolean negative, int e) {
    float f = Math.scalb((float) q, e);
    return negative ? -f : f;
  }

  /**
   * Decodes a payload into {@code out} (zeros on entry, its length the tensor's elements).
   *
   * @return null on success, else what is wrong (the reader adds file and tensor)
   */
  static String decode(ByteBuffer payload, int entries, float[] out) {
    int n = payload.limit();
    if (n < 2) {
      return "truncated: the mode and gap alphabet need 2 bytes, the payload has " + n;
    }
    int mode = Byte.toUnsignedInt(payload.get(0));
    if (mode != FLOAT_BITS && mode != FIXED_POINT) {
      return "field 'mode' is " + mode + ", expected 0 (float32 values) or 1 (fixed point)";
    }
    int gapAlphabet = Byte.toUnsignedInt(payload.get(1));
    if (gapAlphabet < 1 || gapAlphabet > CodedTensor.MAX_CLASSES) {
      return "field 'gapAlphabet' is " + gapAlphabet + ", expected 1.." + CodedTensor.MAX_CLASSES;
    }
    int p = 2;
    HuffmanCode gaps;
    HuffmanCode mags = null;
    int e = 0;
    try {
      if (n - p < CodeTables.tableBytes(gapAlphabet)) {
        return "truncated: the gap code table needs " + CodeTables.tableBytes(gapAlphabet) + " bytes, the payload has "
            + (n - p) + " left";
      }
      gaps = CodeTables.read(payload, p, gapAlphabet);
      p += CodeTables.tableBytes(gapAlphabet);
      if (mode == FIXED_POINT) {
        if (n - p < 2) {
          return "truncated: the exponent and magnitude alphabet need 2 bytes, the payload has " + (n - p) + " left";
        }
        e = payload.get(p++);
        int magAlphabet = Byte.toUnsignedInt(payload.get(p++));
        if (magAlphabet < 1 || magAlphabet > MAX_CLASSES) {
          return "field 'magnitudeAlphabet' is " + magAlphabet + ", expected 1.." + MAX_CLASSES;
        }
        if (n - p < CodeTables.tableBytes(magAlphabet)) {
          return "truncated: the magnitude code table needs " + CodeTables.tableBytes(magAlphabet)
              + " bytes, the payload has " + (n - p) + " left";
        }
        mags = CodeTables.read(payload, p, magAlphabet);
        p += CodeTables.tableBytes(magAlphabet);
      }
    } catch (IllegalArgumentException ex) {
      return "field 'codeLengths': " + ex.getMessage();
    }
    if (mode == FLOAT_BITS && (long) (n - p) * 8 < 32L * entries) {
      return "truncated: " + entries + " float32 values need " + 4L * entries + " bytes, the payload has " + (n - p)
          + " left";
    }
    BitReader in = new BitReader(payload, p, n);
    long position = -1;
    for (int k = 0; k < entries; k++) {
      int c = gaps.read(in);
      if (c < 0) {
        return "field 'bits': entry " + k + " has no valid gap code (stream corrupt or truncated)";
      }
      int r = in.bits(c);
      if (r < 0) {
        return "field 'bits': entry " + k + " is truncated inside its gap";
      }
      position += (1L << c) + r;
      if (position >= out.length) {
        return "field 'bits': entry " + k + " lands at index " + position + ", outside its " + out.length + " elements";
      }
      float value;
      if (mode == FLOAT_BITS) {
        int hi = in.bits(16);
        int lo = in.bits(16);
        if (hi < 0 || lo < 0) {
          return "field 'bits': entry " + k + " is truncated inside its value";
        }
        value = Float.intBitsToFloat(hi << 16 | lo);
        if (Float.floatToRawIntBits(value) == 0) {
          return "field 'bits': entry " + k + " is +0 (zeros are the positions not stored)";
        }
      } else {
        int m = mags.read(in);
        if (m < 0) {
          return "field 'bits': entry " + k + " has no valid magnitude code (stream corrupt or truncated)";
        }
        int low = in.bits(m);
        int sign = in.bit();
        if (low < 0 || sign < 0) {
          return "field 'bits': entry " + k + " is truncated inside its value";
        }
        value = decoded((1L << m) + low, sign == 1, e);
        if (!Float.isFinite(value)) {
          return "field 'bits': entry " + k + " is " + ((1L << m) + low) + "·2^" + e + ", beyond float32";
        }
      }
      out[(int) position] = value;
    }
    if (!in.atPaddedEnd()) {
      return "field 'bits': bytes or non-zero padding after the last of " + entries + " entries";
    }
    return null;
  }
}
