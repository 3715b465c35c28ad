package org.admm4j.admm.quant;

import java.util.Arrays;

/**
 * The scale s of the uniform grid {@code s·{−M..M}} that minimises {@code Σ_j (v_j − q_s(v_j))²} over a layer's
 * non-zeros, q_s rounding to the nearest level. The error is piecewise quadratic in s: between two consecutive
 * points where some |v_j| changes level (s = |v_j| / (m − ½), m = 1..M) the assignment m_j is fixed and
 * {@code E(s) = Σ a_j² − 2s·Σ m_j a_j + s²·Σ m_j²}, minimised at {@code Σ m_j a_j / Σ m_j²} clamped to the
 * interval. {@link #fit} sweeps every breakpoint in order (the M lists of breakpoints are each sorted with the
 * values and merged by a heap of M entries, so nothing of size n·M is allocated) and keeps the best interval's
 * minimiser: the global optimum, not a grid search. Above {@link #EXACT_EVENTS} breakpoints the sweep runs on
 * an evenly strided subsample of the sorted magnitudes and the result is refined on all of them by
 * alternating assignment and scale until it stops improving.
 */
final class UniformScaleSearch {

  /** Breakpoints (non-zeros × M) up to which the sweep sees every value. */
  static final long EXACT_EVENTS = 1L << 24;

  private static final int REFINE_ROUNDS = 30;

  private UniformScaleSearch() {}

  static LevelGrid fit(float[] values, int bits) {
    LevelGrid.checkBits(bits);
    int m = LevelGrid.positiveLevels(bits);
    double[] a = sortedMagnitudes(values);
    if (a.length == 0) {
      return LevelGrid.uniform(1f, bits);
    }
    double[] swept = a;
    if ((long) a.length * m > EXACT_EVENTS) {
      int keep = (int) (EXACT_EVENTS / m);
      swept = new double[keep];
      for (int i = 0; i < keep; i++) {
        swept[i] = a[(int) ((long) i * (a.length - 1) / Math.max(1, keep - 1))];
      }
    }
    LevelGrid grid = LevelGrid.uniform(sweep(swept, m), bits);
    if (swept != a) {
      double err = grid.error(values);
      for (int r = 0; r < REFINE_ROUNDS; r++) {
        LevelGrid next = refine(grid, values);
        double e = next.error(values);
        if (!(e < err)) {
          break;
        }
        grid = next;
        err = e;
      }
    }
    return grid;
  }

  /** The exact minimiser over s > 0 for the sorted magnitudes {@code a} (all > 0). */
  static float sweep(double[] a, int m) {
    int n = a.length;
    double sumSq = 0;
    double sumA = 0;
    for (double v : a) {
      sumSq += v * v;
      sumA += v;
    }
    // s → 0+: every value on the outermost level M
    double b = m * sumA;
    double c = (double) n * m * m;
    // list l (1..m) holds the breakpoints a_i / (l − ½), where a value leaves level l for l − 1; next[l] indexes it
    int[] next = new int[m + 1];
    int[] heap = new int[m];
    int size = 0;
    for (int l = 1; l <= m; l++) {
      heap[size++] = l;
    }
    for (int i = size / 2 - 1; i >= 0; i--) {
      siftDown(heap, size, i, a, next);
    }
    double lo = 0;
    double bestErr = sumSq;
    double bestScale = 2 * a[n - 1] + Double.MIN_NORMAL;
    while (size > 0) {
      int l = heap[0];
      double s = key(a, next, l);
      if (s > lo && c > 0) {
        double opt = Math.min(Math.max(b / c, lo), s);
        double err = sumSq - 2 * opt * b + opt * opt * c;
        if (err < bestErr && opt > 0) {
          bestErr = err;
          bestScale = opt;
        }
      }
      double v = a[next[l]];
      b -= v;
      c -= 2.0 * l - 1;
      lo = Math.max(lo, s);
      next[l]++;
      if (next[l] == n) {
        heap[0] = heap[--size];
      }
      siftDown(heap, size, 0, a, next);
    }
    float scale = (float) bestScale;
    return scale > 0 && Float.isFinite(scale) ? scale : Float.MIN_NORMAL;
  }

  private static double key(double[] a, int[] next, int l) {
    return a[next[l]] / (l - 0.5);
  }

  private static void siftDown(int[] heap, int size, int i, double[] a, int[] next) {
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int child = left + 1 < size && key(a, next, heap[left + 1]) < key(a, next, heap[left]) ? left + 1 : left;
      if (key(a, next, heap[child]) >= key(a, next, heap[i])) {
        return;
      }
      int t = heap[i];
      heap[i] = heap[child];
      heap[child] = t;
      i = child;
    }
  }

  /**
   * One alternation: each non-zero takes its nearest level under the current scale, then the scale becomes the
   * least-squares one for that assignment, {@code Σ m_j a_j / Σ m_j²}. The error never grows.
   */
  static LevelGrid refine(LevelGrid grid, float[] values) {
    float s = grid.scale();
    if (!(s > 0)) {
      throw new IllegalArgumentException("not a uniform grid: " + grid);
    }
    int m = LevelGrid.positiveLevels(grid.bits());
    double num = 0;
    double den = 0;
    for (float v : values) {
      if (v != 0f) {
        int level = Math.min(m, Math.round(Math.abs(grid.nearest(v)) / s));
        num += level * Math.abs((double) v);
        den += (double) level * level;
      }
    }
    if (den == 0) {
      return grid;
    }
    float next = (float) (num / den);
    return next > 0 && Float.isFinite(next) ? LevelGrid.uniform(next, grid.bits()) : grid;
  }

  private static double[] sortedMagnitudes(float[] values) {
    int n = 0;
    for (float v : values) {
      if (v != 0f) {
        n++;
      }
    }
    double[] a = new double[n];
    int i = 0;
    for (float v : values) {
      if (v != 0f) {
        a[i++] = Math.abs((double) v);
      }
    }
    Arrays.sort(a);
    return a;
  }
}
