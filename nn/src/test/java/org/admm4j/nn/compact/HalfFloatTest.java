package org.admm4j.nn.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfFloatTest {

  /** Every half but the NaNs survives the trip through a float bit for bit. */
  @Test
  void everyHalfRoundTrips() {
    for (int h = 0; h < 0x10000; h++) {
      float f = HalfFloat.toFloat((short) h);
      if (Float.isNaN(f)) {
        assertTrue((h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0, Integer.toHexString(h));
        continue;
      }
      assertEquals(h, HalfFloat.fromFloat(f) & 0xffff, Integer.toHexString(h) + " = " + f);
      assertTrue(HalfFloat.isExact(f), Integer.toHexString(h));
    }
    // reference values: 1, the largest half, the smallest subnormal
    assertEquals(1f, HalfFloat.toFloat((short) 0x3c00));
    assertEquals(65504f, HalfFloat.toFloat((short) 0x7bff));
    assertEquals(0x1p-24f, HalfFloat.toFloat((short) 0x0001));
    assertEquals(-2f, HalfFloat.toFloat((short) 0xc000));
  }

  /**
   * Random floats round to the nearest half, ties to even, against a search over the sorted halves made in
   * double precision (normal, subnormal, overflow and underflow ranges all drawn).
   */
  @Test
  void floatsRoundToTheNearestHalfTiesToEven() {
    float[] positive = new float[0x7c01];
    for (int h = 0; h <= 0x7c00; h++) {
      positive[h] = HalfFloat.toFloat((short) h);
    }
    SplittableRandom r = new SplittableRandom(5);
    for (int n = 0; n < 200_000; n++) {
      float v;
      switch (n % 4) {
        case 0 -> v = Float.intBitsToFloat(r.nextInt(0x477fe000 + 0x3000)); // up to just past 65520
        case 1 -> v = (float) (r.nextDouble() * 0x1p-14);
        case 2 -> v = (float) r.nextGaussian();
        default -> {
          // exact midpoints between two neighbouring halves: the tie cases
          int h = r.nextInt(0x7bff);
          v = (float) (((double) positive[h] + positive[h + 1]) / 2);
        }
      }
      float magnitude = Math.abs(v);
      int expected = nearest(positive, magnitude);
      int got = HalfFloat.fromFloat(v) & 0xffff;
      int sign = Float.floatToRawIntBits(v) < 0 ? 0x8000 : 0;
      assertEquals(Integer.toHexString(sign | expected), Integer.toHexString(got), "half of " + v);
    }
    assertFalse(HalfFloat.isExact(0.1f));
    assertFalse(HalfFloat.isExact(Float.NaN));
    assertEquals(0x7c00, HalfFloat.fromFloat(1e6f) & 0xffff);
  }

  /** The half index nearest {@code v} ≥ 0; ties to the even index; past 65520 infinity. */
  private static int nearest(float[] positive, float v) {
    if (v >= 65520f) {
      return 0x7c00;
    }
    int lo = 0, hi = 0x7bff;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (positive[mid] <= v) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    if (lo == 0x7bff) {
      return lo;
    }
    double below = v - (double) positive[lo], above = (double) positive[lo + 1] - v;
    if (below < above) {
      return lo;
    }
    if (above < below) {
      return lo + 1;
    }
    return (lo & 1) == 0 ? lo : lo + 1;
  }
}
