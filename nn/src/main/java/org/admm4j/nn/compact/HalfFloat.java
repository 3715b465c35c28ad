package org.admm4j.nn.compact;

/**
 * IEEE 754 binary16 conversions (JDK 17 has no {@code Float.floatToFloat16}): codebook levels that a half
 * holds exactly are stored in two bytes instead of four.
 */
final class HalfFloat {

  private HalfFloat() {}

  /** {@code v} rounded to the nearest half, ties to even; overflow gives ±infinity, NaN stays NaN. */
  static short fromFloat(float v) {
    int bits = Float.floatToRawIntBits(v);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;
    if (exponent == 0xff) {
      return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
    }
    int e = exponent - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      // subnormal half: shift the mantissa with its implicit one into place, rounding to nearest even
      int m = mantissa | 0x800000;
      int shift = 14 - e;
      int half = m >>> shift;
      int rest = m & ((1 << shift) - 1);
      int midpoint = 1 << (shift - 1);
      if (rest > midpoint || rest == midpoint && (half & 1) != 0) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mantissa >>> 13);
    int rest = mantissa & 0x1fff;
    if (rest > 0x1000 || rest == 0x1000 && (half & 1) != 0) {
      half++; // a carry into the exponent is right, up to infinity
    }
    return (short) (sign | half);
  }

  /** The float a half's bits stand for (every half is exact in a float). */
  static float toFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign != 0 ? -magnitude : magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }

  /** Whether a half holds {@code v} bit for bit (NaNs never count: their payloads would not survive). */
  static boolean isExact(float v) {
    return !Float.isNaN(v) && Float.floatToRawIntBits(toFloat(fromFloat(v))) == Float.floatToRawIntBits(v);
  }
}
