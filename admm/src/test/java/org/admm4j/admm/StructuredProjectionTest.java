package org.admm4j.admm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.admm4j.admm.StructuredProjection.Structure;
import org.junit.jupiter.api.Test;

class StructuredProjectionTest {

  private static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) r.nextGaussian();
    }
    return w;
  }

  /** The projection is the closest point with at most k groups: no other choice of k groups is closer. */
  @Test
  void keepsTheClosestPointAmongEveryChoiceOfGroups() {
    int[] shape = {5, 3, 2, 2};
    for (Structure s : Structure.values()) {
      for (long seed = 1; seed <= 20; seed++) {
        float[] w = random(60, seed);
        int groups = s == Structure.FILTER ? 5 : s == Structure.CHANNEL ? 3 : 12;
        int k = 1 + (int) (seed % groups);
        float[] z = w.clone();
        boolean[] kept = StructuredProjection.project(z, shape, s, k);
        int count = 0;
        for (boolean b : kept) {
          count += b ? 1 : 0;
        }
        assertEquals(k, count);
        double best = distance(w, z);
        // brute force over every subset of size k (groups ≤ 12)
        for (int mask = 0; mask < 1 << groups; mask++) {
          if (Integer.bitCount(mask) != k) {
            continue;
          }
          float[] other = w.clone();
          for (int o = 0; o < 5; o++) {
            for (int i = 0; i < 3; i++) {
              for (int t = 0; t < 4; t++) {
                int g = s == Structure.FILTER ? o : s == Structure.CHANNEL ? i : i * 4 + t;
                if ((mask >> g & 1) == 0) {
                  other[(o * 3 + i) * 4 + t] = 0f;
                }
              }
            }
          }
          assertTrue(best <= distance(w, other) + 1e-9, s + " seed " + seed);
        }
        // kept groups are untouched, dropped ones exactly zero
        for (int j = 0; j < w.length; j++) {
          assertTrue(z[j] == w[j] || z[j] == 0f);
        }
      }
    }
  }

  @Test
  void filtersOfALinearLayerAndTies() {
    float[] w = {1, 1, 3, 0, 1, 1, 0, 0};
    assertArrayEquals(new boolean[] {true, true, false, false},
        StructuredProjection.project(w.clone(), new int[] {4, 2}, Structure.FILTER, 2));
    assertThrows(IllegalArgumentException.class,
        () -> StructuredProjection.project(w, new int[] {4, 2}, Structure.FILTER, 0));
    assertThrows(IllegalArgumentException.class,
        () -> StructuredProjection.project(w, new int[] {3, 2}, Structure.FILTER, 1));
  }

  private static double distance(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d += (a[i] - b[i]) * (double) (a[i] - b[i]);
    }
    return d;
  }
}
