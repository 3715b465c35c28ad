package org.admm4j.nn.compact;

/**
 * Rounds a tensor's values to b-bit fixed point with a power-of-two step: each value becomes q·2^e with
 * |q| ≤ 2^(b−1) − 1 and e the smallest exponent for which the largest magnitude fits. A power of two keeps
 * q·2^e exact in float32, so {@link GappedTensor} stores the rounded values losslessly at about b bits each
 * (fewer: its magnitude classes are Huffman-coded). The error per value is at most 2^e / 2, below
 * max|v| / (2^(b−1) − 1); zeros stay zero.
 */
public final class FixedPoint {

  /** Fewest bits {@link #round} accepts: a sign and one magnitude bit. */
  public static final int MIN_BITS = 2;
  /** Most bits: float32's 24-bit significand holds every q. */
  public static final int MAX_BITS = 24;

  private FixedPoint() {}

  /**
   * {@code values} rounded to {@code bits}-bit fixed point (a new array), or the array itself when it holds no
   * non-zero finite value or anything not finite.
   *
   * @throws IllegalArgumentException when {@code bits} is outside [2, 24]
   */
  public static float[] round(float[] values, int bits) {
    if (bits < MIN_BITS || bits > MAX_BITS) {
      throw new IllegalArgumentException("fixed-point bits must be " + MIN_BITS + " to " + MAX_BITS + ", not " + bits);
    }
    float max = 0f;
    for (float v : values) {
      if (!Float.isFinite(v)) {
        return values;
      }
      max = Math.max(max, Math.abs(v));
    }
    if (max == 0f) {
      return values;
    }
    int e = exponent(max, bits);
    int limit = (1 << (bits - 1)) - 1;
    double step = Math.scalb(1.0, e);
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      long q = Math.max(-limit, Math.min(limit, Math.round(values[i] / step)));
      out[i] = Math.scalb((float) q, e);
    }
    return out;
  }

  /** The step's exponent for {@code bits} bits and largest magnitude {@code max} (finite, > 0). */
  public static int exponent(float max, int bits) {
    int limit = (1 << (bits - 1)) - 1;
    int e = Math.getExponent((double) max / limit) + 1;
    // the smallest e with max / 2^e ≤ limit (getExponent floors: one below may still fit)
    while (max / Math.scalb(1.0, e - 1) <= limit) {
      e--;
    }
    while (max / Math.scalb(1.0, e) > limit) {
      e++;
    }
    return e;
  }
}
