package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The fused optimizer updates, scalar and Panama, against a double-precision reference on every size
 * of {@link #SIZES}, with and without penalty, mask and Nesterov momentum; Panama must match scalar bit
 * for bit (both do the same operations per element), and nothing past n may change.
 */
class OptimizerSupportTest extends KernelTestCase {

  private static final int TAIL = 5;
  private static final float SENTINEL = 12345.5f;

  @Test
  void sgdAgainstReferenceAndScalar() {
    int checked = 0;
    for (int n : SIZES) {
      for (int variant = 0; variant < 8; variant++) {
        boolean penalty = (variant & 1) != 0, masked = (variant & 2) != 0, nesterov = (variant & 4) != 0;
        float[] w = randomFloats(n), g = randomFloats(n), v = randomFloats(n), z = randomFloats(n), u = randomFloats(n);
        float[] mask = masked ? randomMask(n) : null;
        float lr = 0.05f, mom = 0.9f, wd = 1e-3f, rho = 0.7f;
        float[][] results = new float[2][];
        float[][] velocities = new float[2][];
        int k = 0;
        for (KernelProvider p : providers()) {
          float[] wc = withTail(w), vc = withTail(v);
          p.optimizer().sgd(0, n, wc, g, vc, lr, mom, nesterov, wd, rho, penalty ? z : null, penalty ? u : null, mask);
          for (int i = 0; i < n; i++) {
            double grad = g[i] + (double) wd * w[i] + (penalty ? rho * ((double) w[i] - z[i] + u[i]) : 0);
            double vel = mom * (double) v[i] + grad;
            double step = nesterov ? grad + mom * vel : vel;
            double wi = w[i] - lr * step;
            if (masked && mask[i] == 0f) {
              wi = 0;
              vel = 0;
            }
            String at = p.name() + " n=" + n + " variant " + variant + " i=" + i;
            assertEquals(wi, wc[i], 1e-6 * (1 + Math.abs(wi)), at);
            assertEquals(vel, vc[i], 1e-6 * (1 + Math.abs(vel)), at);
            if (masked && mask[i] == 0f) {
              assertEquals(0, Float.floatToRawIntBits(wc[i]), at + ": pruned weight must be +0");
              assertEquals(0, Float.floatToRawIntBits(vc[i]), at + ": pruned velocity must be +0");
            }
          }
          checkTail(wc, n);
          checkTail(vc, n);
          results[k] = wc;
          velocities[k++] = vc;
        }
        if (k == 2) {
          assertArrayEquals(results[0], results[1], "Panama vs scalar bits, n=" + n + " variant " + variant);
          assertArrayEquals(velocities[0], velocities[1], "Panama vs scalar bits, n=" + n + " variant " + variant);
        }
        checked++;
      }
    }
    assertEquals(SIZES.length * 8, checked);
  }

  @Test
  void adamAgainstReferenceAndScalar() {
    for (int n : SIZES) {
      for (int variant = 0; variant < 4; variant++) {
        boolean penalty = (variant & 1) != 0, masked = (variant & 2) != 0;
        float[] w = randomFloats(n), g = randomFloats(n), m = randomFloats(n), z = randomFloats(n), u = randomFloats(n);
        float[] v = randomFloats(n);
        for (int i = 0; i < n; i++) {
          v[i] = Math.abs(v[i]) * 0.01f;
        }
        float[] mask = masked ? randomMask(n) : null;
        float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 1e-4f, rho = 0.3f;
        int step = 1 + random.nextInt(50);
        float[][] results = new float[2][];
        int k = 0;
        for (KernelProvider p : providers()) {
          float[] wc = withTail(w), mc = withTail(m), vc = withTail(v);
          p.optimizer().adam(0, n, wc, g, mc, vc, lr, b1, b2, eps, step, wd, rho, penalty ? z : null, penalty ? u : null,
              mask);
          double c1 = 1 / (1 - Math.pow(b1, step)), c2 = 1 / (1 - Math.pow(b2, step));
          for (int i = 0; i < n; i++) {
            double grad = g[i] + (double) wd * w[i] + (penalty ? rho * ((double) w[i] - z[i] + u[i]) : 0);
            double mi = b1 * (double) m[i] + (1 - (double) b1) * grad;
            double vi = b2 * (double) v[i] + (1 - (double) b2) * grad * grad;
            double wi = w[i] - lr * mi * c1 / (Math.sqrt(vi * c2) + eps);
            if (masked && mask[i] == 0f) {
              wi = mi = vi = 0;
              assertEquals(0, Float.floatToRawIntBits(wc[i]), "pruned weight must be +0");
            }
            String at = p.name() + " n=" + n + " variant " + variant + " i=" + i;
            assertEquals(wi, wc[i], 1e-6 * (1 + Math.abs(wi)), at);
            assertEquals(mi, mc[i], 1e-6 * (1 + Math.abs(mi)), at);
            assertEquals(vi, vc[i], 1e-6 * (1 + Math.abs(vi)), at);
          }
          checkTail(wc, n);
          checkTail(mc, n);
          checkTail(vc, n);
          results[k++] = wc;
        }
        if (k == 2) {
          assertArrayEquals(results[0], results[1], "Panama vs scalar bits, n=" + n + " variant " + variant);
        }
      }
    }
  }

  /**
   * Results that would be subnormal are stored as +0 (weights, velocity, both Adam moments), in both
   * implementations and in the vector body as well as the tail; normal results are untouched.
   */
  @Test
  void subnormalResultsAreStoredAsZero() {
    int n = 67;
    float tiny = Float.MIN_NORMAL / 8;
    for (KernelProvider p : providers()) {
      float[] w = new float[n], g = new float[n], v = new float[n], m = new float[n], a = new float[n];
      for (int i = 0; i < n; i++) {
        // odd elements: everything subnormal with no gradient, so each result stays subnormal unflushed;
        // even elements: an ordinary step
        boolean sub = (i & 1) == 1;
        w[i] = sub ? tiny : 0.5f;
        g[i] = sub ? 0f : 0.25f;
        v[i] = sub ? -tiny : 0.125f;
        m[i] = sub ? tiny : 0.1f;
        a[i] = sub ? tiny : 0.01f;
      }
      float[] ws = w.clone(), vs = v.clone();
      p.optimizer().sgd(0, n, ws, g, vs, 0.5f, 0.5f, false, 0f, 0f, null, null, null);
      float[] wa = w.clone(), ma = m.clone(), va = a.clone();
      p.optimizer().adam(0, n, wa, g, ma, va, 1e-3f, 0.5f, 0.5f, 1f, 1, 0f, 0f, null, null, null);
      for (int i = 0; i < n; i++) {
        String at = p.name() + " i=" + i;
        if ((i & 1) == 1) {
          for (float x : new float[] {ws[i], vs[i], wa[i], ma[i], va[i]}) {
            assertEquals(0, Float.floatToRawIntBits(x), at + ": a subnormal result must be stored as +0");
          }
        } else {
          assertEquals(0.5f - 0.5f * (0.5f * 0.125f + 0.25f), ws[i], at);
          assertEquals(0.5f * 0.125f + 0.25f, vs[i], at);
          assertEquals(0.5f * 0.1f + 0.5f * 0.25f, ma[i], 1e-7f, at);
        }
      }
    }
  }

  @Test
  void handComputedSgdStepPinsTheScalarKernel() {
    float[] w = {1f, -2f}, g = {0.5f, -1f}, v = {0.25f, 0f};
    scalar().optimizer().sgd(0, 2, w, g, v, 0.1f, 0.5f, false, 0f, 0f, null, null, new float[] {1f, 0f});
    // v = 0.5·0.25 + 0.5 = 0.625, w = 1 − 0.0625; second element pruned
    assertEquals(0.625f, v[0]);
    assertEquals(0.9375f, w[0]);
    assertEquals(0f, w[1]);
    assertEquals(0f, v[1]);
  }

  /** A block [from, to) updates exactly those elements, with the bits of the whole-tensor update. */
  @Test
  void rangesMatchTheWholeUpdateAndTouchNothingElse() {
    int n = 1000;
    float[] w = randomFloats(n), g = randomFloats(n), v = randomFloats(n), m = randomFloats(n), z = randomFloats(n);
    float[] u = randomFloats(n), mask = randomMask(n), a = randomFloats(n);
    for (int i = 0; i < n; i++) {
      a[i] = Math.abs(a[i]);
    }
    for (KernelProvider p : providers()) {
      float[] wAll = w.clone(), vAll = v.clone(), wAdam = w.clone(), mAdam = m.clone(), aAdam = a.clone();
      p.optimizer().sgd(0, n, wAll, g, vAll, 0.1f, 0.9f, true, 1e-3f, 0.5f, z, u, mask);
      p.optimizer().adam(0, n, wAdam, g, mAdam, aAdam, 1e-3f, 0.9f, 0.999f, 1e-8f, 3, 1e-3f, 0.5f, z, u, mask);
      for (int[] r : new int[][] {{0, 0}, {3, 4}, {5, 100}, {17, 999}, {1, 1000}, {999, 1000}}) {
        float[] wc = w.clone(), vc = v.clone(), wa = w.clone(), ma = m.clone(), va = a.clone();
        p.optimizer().sgd(r[0], r[1], wc, g, vc, 0.1f, 0.9f, true, 1e-3f, 0.5f, z, u, mask);
        p.optimizer().adam(r[0], r[1], wa, g, ma, va, 1e-3f, 0.9f, 0.999f, 1e-8f, 3, 1e-3f, 0.5f, z, u, mask);
        for (int i = 0; i < n; i++) {
          boolean in = i >= r[0] && i < r[1];
          String at = p.name() + " range " + r[0] + ".." + r[1] + " i=" + i;
          assertEquals(in ? wAll[i] : w[i], wc[i], at);
          assertEquals(in ? vAll[i] : v[i], vc[i], at);
          assertEquals(in ? wAdam[i] : w[i], wa[i], at);
          assertEquals(in ? mAdam[i] : m[i], ma[i], at);
          assertEquals(in ? aAdam[i] : a[i], va[i], at);
        }
      }
    }
  }

  private float[] randomMask(int n) {
    float[] mask = new float[n];
    for (int i = 0; i < n; i++) {
      mask[i] = random.nextInt(3) == 0 ? 0f : 1f;
    }
    return mask;
  }

  private static float[] withTail(float[] x) {
    float[] c = java.util.Arrays.copyOf(x, x.length + TAIL);
    java.util.Arrays.fill(c, x.length, c.length, SENTINEL);
    return c;
  }

  private static void checkTail(float[] x, int n) {
    for (int i = n; i < x.length; i++) {
      assertEquals(SENTINEL, x[i], "element " + i + " past n=" + n + " was written");
    }
  }
}
