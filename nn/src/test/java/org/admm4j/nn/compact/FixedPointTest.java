package org.admm4j.nn.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FixedPointTest {

  @Test
  void roundsWithinHalfAStepAndUsesTheFinestStepThatFits() {
    SplittableRandom r = new SplittableRandom(3);
    for (int bits : new int[] {2, 3, 5, 8, 12, 24}) {
      for (int trial = 0; trial < 20; trial++) {
        float[] v = new float[50];
        double scale = Math.pow(10, r.nextInt(-6, 4));
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (r.nextGaussian() * scale);
        }
        v[r.nextInt(v.length)] = 0f;
        float[] q = FixedPoint.round(v, bits);
        float max = 0f;
        for (float x : v) {
          max = Math.max(max, Math.abs(x));
        }
        int e = FixedPoint.exponent(max, bits);
        int limit = (1 << (bits - 1)) - 1;
        assertTrue(max / Math.scalb(1.0, e) <= limit && max / Math.scalb(1.0, e - 1) > limit, bits + " bits, e " + e);
        for (int i = 0; i < v.length; i++) {
          double k = q[i] / Math.scalb(1.0, e);
          assertEquals(Math.rint(k), k, "an integer multiple of the step");
          assertTrue(Math.abs(k) <= limit);
          assertTrue(Math.abs(q[i] - v[i]) <= Math.scalb(1.0, e) / 2 * (1 + 1e-6), bits + " bits: " + v[i] + " → " + q[i]);
          assertTrue(Math.abs(q[i] - v[i]) <= max / limit, "below max / (2^(b−1) − 1)");
          if (v[i] == 0f) {
            assertEquals(0, Float.floatToRawIntBits(q[i]), "zeros stay +0");
          }
        }
        assertTrue(GappedTensor.commonExponent(q) >= e || allZero(q));
      }
    }
  }

  @Test
  void leavesWhatItCannotRoundAndRefusesBadBits() {
    float[] zeros = new float[4];
    assertSame(zeros, FixedPoint.round(zeros, 8));
    float[] nan = {1f, Float.NaN};
    assertSame(nan, FixedPoint.round(nan, 8));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FixedPoint.round(zeros, 1));
    assertTrue(e.getMessage().contains("2 to 24, not 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FixedPoint.round(zeros, 25));
  }

  private static boolean allZero(float[] q) {
    for (float x : q) {
      if (x != 0f) {
        return false;
      }
    }
    return true;
  }
}
