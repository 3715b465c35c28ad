package org.admm4j.admm.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.admm4j.kernels.Projection;
import org.junit.jupiter.api.Test;

class QuantizedProjectionTest {

  private static float[] random(int n, SplittableRandom r) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      // some exact zeros, mixed scales, both signs
      x[i] = r.nextInt(6) == 0 ? 0f : (float) (r.nextGaussian() * (r.nextBoolean() ? 1 : 0.05));
    }
    return x;
  }

  private static double distance(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      double e = (double) a[i] - b[i];
      d += e * e;
    }
    return d;
  }

  /** Squared distance from x to its closest point with support {@code mask} and values on {@code grid}. */
  private static double onGrid(float[] x, boolean[] mask, LevelGrid grid) {
    double d = 0;
    for (int i = 0; i < x.length; i++) {
      double q = mask[i] ? grid.nearest(x[i]) : 0;
      d += (x[i] - q) * (x[i] - q);
    }
    return d;
  }

  /**
   * Uniform: the projection is at least as close as every support of at most k entries combined with every
   * scale of a fine grid (brute force on small inputs).
   */
  @Test
  void uniformProjectionIsNoWorseThanAnySupportAndScaleTried() {
    SplittableRandom r = new SplittableRandom(7);
    for (int trial = 0; trial < 150; trial++) {
      int n = 1 + r.nextInt(8);
      int k = r.nextInt(n + 1);
      int bits = 2 + r.nextInt(3);
      float[] x = random(n, r);
      float[] z = new float[n];
      QuantizedProjection.project(n, k, x, z, bits, QuantizationMode.UNIFORM);
      double ours = distance(x, z);
      double max = 0;
      for (float v : x) {
        max = Math.max(max, Math.abs(v));
      }
      double best = Double.POSITIVE_INFINITY;
      for (int subset = 0; subset < 1 << n; subset++) {
        if (Integer.bitCount(subset) > k) {
          continue;
        }
        boolean[] mask = new boolean[n];
        for (int i = 0; i < n; i++) {
          mask[i] = (subset >> i & 1) != 0;
        }
        for (int g = 1; g <= 3000 && max > 0; g++) {
          float scale = (float) (2.2 * max * g / 3000);
          best = Math.min(best, onGrid(x, mask, LevelGrid.uniform(scale, bits)));
        }
      }
      if (max == 0 || k == 0) {
        best = distance(x, new float[n]);
      }
      assertTrue(ours <= best * (1 + 1e-6) + 1e-12, "trial " + trial + ": projection error " + ours
          + " above the brute-force best " + best + " for " + Arrays.toString(x) + ", k " + k + ", bits " + bits);
    }
  }

  /** The sweep's scale is no worse than any scale of a fine grid over the same values (larger inputs). */
  @Test
  void optimalScaleBeatsEveryGridScale() {
    SplittableRandom r = new SplittableRandom(11);
    for (int bits = 2; bits <= 8; bits++) {
      float[] x = random(300 + r.nextInt(50), r);
      LevelGrid fit = UniformScaleSearch.fit(x, bits);
      double ours = fit.error(x);
      for (int g = 1; g <= 4000; g++) {
        float scale = (float) (3.0 * g / 4000);
        double e = LevelGrid.uniform(scale, bits).error(x);
        assertTrue(ours <= e * (1 + 1e-6) + 1e-12, bits + " bits: scale " + fit.scale() + " error " + ours
            + " above scale " + scale + "'s " + e);
      }
    }
  }

  /** A codebook is no worse than the optimal uniform grid and is a k-means fixed point. */
  @Test
  void codebookIsAKMeansFixedPointNoWorseThanUniform() {
    SplittableRandom r = new SplittableRandom(5);
    for (int bits = 2; bits <= 6; bits++) {
      float[] x = random(500, r);
      LevelGrid uniform = QuantizationMode.UNIFORM.fit(x, bits);
      LevelGrid book = QuantizationMode.CODEBOOK.fit(x, bits);
      assertTrue(book.error(x) <= uniform.error(x), bits + " bits: codebook " + book.error(x) + " > uniform "
          + uniform.error(x));
      float[] levels = book.levels();
      double[] sum = new double[levels.length];
      int[] count = new int[levels.length];
      for (float v : x) {
        if (v != 0f) {
          int i = Arrays.binarySearch(levels, book.nearest(v));
          sum[i] += v;
          count[i]++;
        }
      }
      for (int i = 0; i < levels.length; i++) {
        if (levels[i] != 0f && count[i] > 0) {
          assertEquals(sum[i] / count[i], levels[i], 1e-5 * Math.max(1, Math.abs(levels[i])),
              bits + " bits: level " + i + " is not the mean of its values");
        }
      }
    }
  }

  /** Exactly 2^b − 1 values (zero included) when the input has more distinct values; zeros stay zero. */
  @Test
  void levelCountIsExactAndZerosStayZero() {
    SplittableRandom r = new SplittableRandom(3);
    for (QuantizationMode mode : QuantizationMode.values()) {
      for (int bits = 2; bits <= 8; bits++) {
        int n = 4000;
        float[] x = random(n, r);
        int k = n / 2;
        float[] top = new float[n];
        Projection.topK(n, k, x, 0, top, 0);
        float[] z = new float[n];
        QuantizedProjection.project(n, k, x, z, bits, mode);
        TreeSet<Float> distinct = new TreeSet<>();
        int nonzero = 0;
        for (int i = 0; i < n; i++) {
          distinct.add(z[i]);
          if (z[i] != 0f) {
            nonzero++;
            assertTrue(top[i] != 0f, mode + " " + bits + " bits: index " + i + " is outside the top-k");
          }
          if (x[i] == 0f) {
            assertEquals(0f, z[i], mode + ": a zero became " + z[i]);
          }
        }
        assertTrue(nonzero <= k);
        int expected = LevelGrid.levelCount(bits);
        if (mode == QuantizationMode.UNIFORM) {
          // the outermost levels may be unused when the optimum clips nothing; never more than 2^b − 1
          assertTrue(distinct.size() <= expected && distinct.size() >= 3, mode + " " + bits + ": " + distinct.size());
          float s = QuantizationMode.UNIFORM.fit(top, bits).scale();
          for (float v : distinct) {
            float m = v / s;
            assertEquals(Math.round(m), m, 1e-3, "value " + v + " is not on the grid of scale " + s);
            assertTrue(Math.abs(Math.round(m)) <= (1 << (bits - 1)) - 1);
          }
        } else {
          LevelGrid grid = QuantizationMode.CODEBOOK.fit(top, bits);
          assertEquals(expected, grid.levels().length, mode + " " + bits + " bits: " + grid);
          assertEquals(expected, distinct.size(), mode + " " + bits + " bits: " + distinct);
        }
      }
    }
  }

  /** Past the exact sweep's size the subsampled search, refined on all values, is still close to optimal. */
  @Test
  void largeLayersUseTheRefinedSubsample() {
    SplittableRandom r = new SplittableRandom(9);
    int n = (int) (UniformScaleSearch.EXACT_EVENTS / 127) + 5000;
    float[] x = random(n, r);
    LevelGrid fit = UniformScaleSearch.fit(x, 8);
    double ours = fit.error(x);
    for (int g = -50; g <= 50; g++) {
      float scale = fit.scale() * (1 + g / 500f);
      double e = LevelGrid.uniform(scale, 8).error(x);
      assertTrue(ours <= e * (1 + 1e-4), "scale " + scale + " error " + e + " beats " + ours);
    }
  }

  /** The fused step: Z = Π(W + U), U += W − Z, and the two norms. */
  @Test
  void admmUpdateProjectsWPlusUAndUpdatesTheDual() {
    SplittableRandom r = new SplittableRandom(13);
    int n = 97;
    float[] w = random(n, r);
    float[] u = random(n, r);
    float[] z = random(n, r);
    float[] z0 = z.clone();
    float[] u0 = u.clone();
    float[] scratch = new float[n];
    Projection.AdmmStepNorms norms = QuantizedProjection.admmUpdate(n, 20, w, z, u, scratch, 3,
        QuantizationMode.CODEBOOK);
    float[] sum = new float[n];
    for (int i = 0; i < n; i++) {
      sum[i] = w[i] + u0[i];
    }
    float[] expected = new float[n];
    QuantizedProjection.project(n, 20, sum, expected, 3, QuantizationMode.CODEBOOK);
    double primal = 0;
    double change = 0;
    for (int i = 0; i < n; i++) {
      assertEquals(expected[i], z[i], 0f);
      assertEquals(u0[i] + (w[i] - z[i]), u[i], 0f);
      double p = (double) w[i] - z[i];
      double c = (double) z[i] - z0[i];
      primal += p * p;
      change += c * c;
    }
    assertEquals(primal, norms.primalSquared(), 1e-9 * primal);
    assertEquals(change, norms.zChangeSquared(), 1e-9 * change);
    assertThrows(IllegalArgumentException.class, () -> QuantizedProjection.admmUpdate(n, 20, w, z, u, scratch, 9,
        QuantizationMode.UNIFORM));
    assertThrows(IllegalArgumentException.class, () -> QuantizedProjection.admmUpdate(n, 20, w, z, u, z, 3,
        QuantizationMode.UNIFORM));
  }

  @Test
  void levelGridRefusesBadInput() {
    assertThrows(IllegalArgumentException.class, () -> LevelGrid.uniform(0f, 3));
    assertThrows(IllegalArgumentException.class, () -> LevelGrid.uniform(1f, 1));
    assertThrows(IllegalArgumentException.class, () -> LevelGrid.codebook(new float[] {1, 2, 3}, 2));
    assertThrows(IllegalArgumentException.class, () -> LevelGrid.codebook(new float[] {Float.NaN}, 2));
    // ties go to the smaller magnitude: half-way to zero is zero
    assertEquals(0f, LevelGrid.uniform(1f, 2).nearest(0.5f));
    assertEquals(-1f, LevelGrid.uniform(1f, 3).nearest(-1.5f));
  }
}
