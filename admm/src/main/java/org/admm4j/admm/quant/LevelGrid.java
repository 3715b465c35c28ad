package org.admm4j.admm.quant;

import java.util.Arrays;

/**
 * The values a quantized layer's weights may take: zero (the pruned weights) and at most 2^b − 2 non-zero
 * levels, sorted ascending. A value maps to the nearest level; a tie between two levels goes to the one of
 * smaller magnitude, so the mapping is deterministic and a value half-way to zero becomes zero.
 */
public final class LevelGrid {

  /** Widest code supported: 2^8 − 1 levels. */
  public static final int MAX_BITS = 8;

  private final float[] levels;
  private final int bits;
  private final float scale;

  private LevelGrid(float[] levels, int bits, float scale) {
    this.levels = levels;
    this.bits = bits;
    this.scale = scale;
  }

  /** The uniform grid {@code scale·{−M..M}}, M = 2^(bits−1) − 1. */
  public static LevelGrid uniform(float scale, int bits) {
    checkBits(bits);
    if (!(scale > 0) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
    }
    int m = positiveLevels(bits);
    float[] l = new float[2 * m + 1];
    for (int i = -m; i <= m; i++) {
      l[i + m] = scale * i;
    }
    return new LevelGrid(l, bits, scale);
  }

  /** A codebook: 0 plus the given non-zero levels (at most 2^bits − 2 distinct ones, finite). */
  public static LevelGrid codebook(float[] nonzeroLevels, int bits) {
    checkBits(bits);
    float[] l = Arrays.copyOf(nonzeroLevels, nonzeroLevels.length + 1);
    Arrays.sort(l);
    int distinct = 0;
    for (int i = 0; i < l.length; i++) {
      if (!Float.isFinite(l[i])) {
        throw new IllegalArgumentException("level " + l[i] + " is not finite");
      }
      if (i == 0 || l[i] != l[distinct - 1]) {
        l[distinct++] = l[i] == 0f ? 0f : l[i];
      }
    }
    if (distinct > levelCount(bits)) {
      throw new IllegalArgumentException(distinct + " levels do not fit " + bits + " bits (at most "
          + levelCount(bits) + " with zero)");
    }
    return new LevelGrid(Arrays.copyOf(l, distinct), bits, 0f);
  }

  /** 2^bits − 1: every level including zero. */
  public static int levelCount(int bits) {
    checkBits(bits);
    return (1 << bits) - 1;
  }

  /** M = 2^(bits−1) − 1: the positive levels of the uniform grid. */
  static int positiveLevels(int bits) {
    return (1 << (bits - 1)) - 1;
  }

  static void checkBits(int bits) {
    if (bits < 2 || bits > MAX_BITS) {
      throw new IllegalArgumentException("bits = " + bits + ": expected 2.." + MAX_BITS);
    }
  }

  /** All levels, zero included, ascending (a copy). */
  public float[] levels() {
    return levels.clone();
  }

  /** The non-zero levels, ascending (a copy). */
  public float[] nonzeroLevels() {
    float[] out = new float[levels.length - 1];
    int n = 0;
    for (float v : levels) {
      if (v != 0f) {
        out[n++] = v;
      }
    }
    return Arrays.copyOf(out, n);
  }

  public int bits() {
    return bits;
  }

  /** The uniform grid's scale, 0 for a codebook. */
  public float scale() {
    return scale;
  }

  /** The level nearest to {@code v} (ties to the smaller magnitude). */
  public float nearest(float v) {
    return levels[nearestIndex(v)];
  }

  int nearestIndex(float v) {
    int i = Arrays.binarySearch(levels, v);
    if (i >= 0) {
      return i;
    }
    int hi = -i - 1;
    if (hi == 0) {
      return 0;
    }
    if (hi == levels.length) {
      return levels.length - 1;
    }
    int lo = hi - 1;
    double dLo = (double) v - levels[lo];
    double dHi = (double) levels[hi] - v;
    if (dLo != dHi) {
      return dLo < dHi ? lo : hi;
    }
    return Math.abs(levels[lo]) <= Math.abs(levels[hi]) ? lo : hi;
  }

  /** Replaces every non-zero of {@code a} by its nearest level; zeros stay +0. Returns the squared change. */
  public double quantize(float[] a) {
    return quantize(a, a.length);
  }

  /** {@link #quantize(float[])} of {@code a[0, n)}. */
  public double quantize(float[] a, int n) {
    double err = 0;
    for (int j = 0; j < n; j++) {
      if (a[j] != 0f) {
        float q = nearest(a[j]);
        double d = (double) a[j] - q;
        err += d * d;
        a[j] = q == 0f ? 0f : q;
      }
    }
    return err;
  }

  /** Σ (v − nearest(v))² over the non-zeros of {@code a}, which are not changed. */
  public double error(float[] a) {
    double err = 0;
    for (float v : a) {
      if (v != 0f) {
        double d = (double) v - nearest(v);
        err += d * d;
      }
    }
    return err;
  }

  @Override
  public String toString() {
    return (scale > 0 ? "uniform(scale " + scale + ", " : "codebook(") + bits + " bits) " + Arrays.toString(levels);
  }
}
