package org.admm4j.nn.compact;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The coded encoding of format version 2 for a tensor whose non-zeros take few distinct values (a quantized
 * layer): its codebook, then per non-zero the gap to the previous one and its level's index, both entropy-coded
 * with canonical Huffman codes ({@link HuffmanCode}). Payload:
 * <pre>
 *   u8 L (1..255), L × f32 levels (distinct, none +0); encoding 4 (coded, half levels): L × f16 levels
 *   u8 G (1..31): the gap alphabet, then ceil(G/2) bytes of 4-bit code lengths (none when G = 1)
 *   ceil(L/2) bytes of 4-bit code lengths of the level indices (none when L = 1)
 *   bits, most significant first, per non-zero: the gap's class c, c raw bits, the level's code; zero padding
 * </pre>
 * A gap g (zeros since the previous non-zero, or since the start) is coded as v = g + 1 = 2^c + r: the class
 * c = ⌊log2 v⌋ by the Huffman code, then r in c raw bits (Elias-gamma classes, as DEFLATE's distance codes), so
 * runs of any length cost about their entropy and need no filler entries.
 */
final class CodedTensor {

  /** Most distinct non-zero values a coded tensor may have. */
  static final int MAX_LEVELS = 255;

  /** Gap classes: v = g + 1 < 2^31. */
  static final int MAX_CLASSES = 31;

  private CodedTensor() {}

  /** The payload of {@code data}, or null when it has no non-zero or more than 255 distinct non-zero values. */
  static byte[] encode(float[] data) {
    return encode(data, false);
  }

  /**
   * {@link #encode(float[])} with the levels as IEEE halves (encoding 4), or null when a level is not a half
   * exactly: a quantized layer's codebook in 2 bytes a level instead of 4.
   */
  static byte[] encodeHalfLevels(float[] data) {
    return encode(data, true);
  }

  private static byte[] encode(float[] data, boolean halfLevels) {
    float[] levels = distinctNonzero(data);
    if (levels == null || levels.length == 0) {
      return null;
    }
    if (halfLevels) {
      for (float l : levels) {
        if (!HalfFloat.isExact(l)) {
          return null;
        }
      }
    }
    int levelBytes = halfLevels ? 2 : 4;
    int entries = 0;
    long[] gapFreq = new long[MAX_CLASSES];
    long[] levelFreq = new long[levels.length];
    int last = -1;
    int maxClass = 0;
    for (int i = 0; i < data.length; i++) {
      if (isZero(data[i])) {
        continue;
      }
      int c = CodeTables.classOf(i - last);
      gapFreq[c]++;
      maxClass = Math.max(maxClass, c);
      levelFreq[index(levels, data[i])]++;
      last = i;
      entries++;
    }
    HuffmanCode gaps = HuffmanCode.forFrequencies(Arrays.copyOf(gapFreq, maxClass + 1));
    HuffmanCode codes = HuffmanCode.forFrequencies(levelFreq);
    BitWriter bits = new BitWriter();
    last = -1;
    for (int i = 0; i < data.length; i++) {
      if (isZero(data[i])) {
        continue;
      }
      int v = i - last;
      int c = CodeTables.classOf(i - last);
      gaps.write(bits, c);
      bits.write(v & ((1 << c) - 1), c);
      codes.write(bits, index(levels, data[i]));
      last = i;
    }
    byte[] stream = bits.toByteArray();
    int tables = CodeTables.tableBytes(gaps.alphabetSize()) + CodeTables.tableBytes(levels.length);
    ByteBuffer out = ByteBuffer.allocate(1 + levelBytes * levels.length + 1 + tables + stream.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    out.put((byte) levels.length);
    for (float l : levels) {
      if (halfLevels) {
        out.putShort(HalfFloat.fromFloat(l));
      } else {
        out.putFloat(l);
      }
    }
    out.put((byte) gaps.alphabetSize());
    CodeTables.put(out, gaps);
    CodeTables.put(out, codes);
    out.put(stream);
    assert entries > 0;
    return out.array();
  }

  /** Number of non-zeros {@link #encode} stores: the header's {@code entries}. */
  static int entries(float[] data) {
    int n = 0;
    for (float v : data) {
      n += isZero(v) ? 0 : 1;
    }
    return n;
  }

  /**
   * Decodes a payload into {@code out} (zeros on entry, its length the tensor's elements).
   *
   * @param levelBytes 4 (float levels, encoding 2) or 2 (half levels, encoding 4)
   * @return null on success, else what is wrong (the reader adds file and tensor)
   */
  static String decode(ByteBuffer payload, int entries, float[] out, int levelBytes) {
    int n = payload.limit();
    int p = 0;
    if (n < 1) {
      return "field 'levels': payload is empty";
    }
    int levelCount = Byte.toUnsignedInt(payload.get(p++));
    if (levelCount == 0) {
      return "field 'levels' is 0, expected 1.." + MAX_LEVELS;
    }
    if (n - p < levelBytes * levelCount + 1) {
      return "truncated: " + levelCount + " levels and the gap table need " + (levelBytes * levelCount + 1)
          + " bytes, the payload has " + (n - p) + " left";
    }
    float[] levels = new float[levelCount];
    for (int i = 0; i < levelCount; i++) {
      levels[i] = levelBytes == 2 ? HalfFloat.toFloat(payload.getShort(p)) : payload.getFloat(p);
      p += levelBytes;
      if (isZero(levels[i])) {
        return "field 'levels': level " + i + " is +0 (zeros are the positions not stored)";
      }
    }
    int gapAlphabet = Byte.toUnsignedInt(payload.get(p++));
    if (gapAlphabet < 1 || gapAlphabet > MAX_CLASSES) {
      return "field 'gapAlphabet' is " + gapAlphabet + ", expected 1.." + MAX_CLASSES;
    }
    int tables = CodeTables.tableBytes(gapAlphabet) + CodeTables.tableBytes(levelCount);
    if (n - p < tables) {
      return "truncated: the code tables need " + tables + " bytes, the payload has " + (n - p) + " left";
    }
    HuffmanCode gaps;
    HuffmanCode codes;
    try {
      gaps = CodeTables.read(payload, p, gapAlphabet);
      p += CodeTables.tableBytes(gapAlphabet);
      codes = CodeTables.read(payload, p, levelCount);
      p += CodeTables.tableBytes(levelCount);
    } catch (IllegalArgumentException e) {
      return "field 'codeLengths': " + e.getMessage();
    }
    BitReader in = new BitReader(payload, p, n);
    long position = -1;
    for (int e = 0; e < entries; e++) {
      int c = gaps.read(in);
      if (c < 0) {
        return "field 'bits': entry " + e + " has no valid gap code (stream corrupt or truncated)";
      }
      int r = in.bits(c);
      if (r < 0) {
        return "field 'bits': entry " + e + " is truncated inside its gap";
      }
      position += (1L << c) + r;
      if (position >= out.length) {
        return "field 'bits': entry " + e + " lands at index " + position + ", outside its " + out.length
            + " elements";
      }
      int level = codes.read(in);
      if (level < 0) {
        return "field 'bits': entry " + e + " has no valid level code (stream corrupt or truncated)";
      }
      out[(int) position] = levels[level];
    }
    if (!in.atPaddedEnd()) {
      return "field 'bits': bytes or non-zero padding after the last of " + entries + " entries";
    }
    return null;
  }

  /** Sorted distinct non-zero values (by raw bits, so −0 and NaN payloads survive), or null above 255. */
  private static float[] distinctNonzero(float[] data) {
    int[] seen = new int[MAX_LEVELS + 1];
    int n = 0;
    for (float v : data) {
      if (isZero(v)) {
        continue;
      }
      int bits = Float.floatToRawIntBits(v);
      boolean found = false;
      for (int i = 0; i < n && !found; i++) {
        found = seen[i] == bits;
      }
      if (!found) {
        if (n == MAX_LEVELS) {
          return null;
        }
        seen[n++] = bits;
      }
    }
    int[] sorted = Arrays.copyOf(seen, n);
    Arrays.sort(sorted);
    float[] levels = new float[n];
    for (int i = 0; i < n; i++) {
      levels[i] = Float.intBitsToFloat(sorted[i]);
    }
    return levels;
  }

  private static int index(float[] levels, float v) {
    int bits = Float.floatToRawIntBits(v);
    for (int i = 0; i < levels.length; i++) {
      if (Float.floatToRawIntBits(levels[i]) == bits) {
        return i;
      }
    }
    throw new IllegalStateException("value " + v + " not in the codebook");
  }

  private static boolean isZero(float v) {
    return Float.floatToRawIntBits(v) == 0;
  }
}
