package org.admm4j.kernels.internal;

import java.util.concurrent.ForkJoinPool;

/**
 * Plain-Java projection: radix selection on the magnitude bits ({@link MagnitudeRadixSelect}, no sort),
 * with the chunk scans written as plain loops. {@link PanamaProjectionSupport} overrides the scans.
 *
 * <p>Each calling thread reuses one workspace (32 KiB of histogram per 2^19 elements, and the
 * top-bucket buffer; see {@link MagnitudeRadixSelect}), so a sequential call allocates nothing in steady
 * state. A call made while the thread's workspace is in use (a ForkJoin worker that runs another
 * projection task while it waits) gets a fresh one.
 */
class ScalarProjectionSupport implements ProjectionSupport {

  /** Default: candidates are collected when the top bucket holds at most n/16 elements. */
  static final int CANDIDATE_SHIFT = 4;

  private final int candidateShift;

  private final ThreadLocal<MagnitudeRadixSelect> workspaces;

  ScalarProjectionSupport() {
    this(CANDIDATE_SHIFT);
  }

  /** @param candidateShift see {@link MagnitudeRadixSelect}; 31 never collects (tests of the other path) */
  ScalarProjectionSupport(int candidateShift) {
    this.candidateShift = candidateShift;
    this.workspaces = ThreadLocal.withInitial(() -> new MagnitudeRadixSelect(this, candidateShift));
  }

  @Override
  public float topK(int n, int k, float[] w, int wOff, float[] out, int outOff, ForkJoinPool pool) {
    assert k >= 0 && k <= n;
    if (n == 0) {
      return Float.POSITIVE_INFINITY;
    }
    return workspace().topK(n, k, w, wOff, out, outOff, pool);
  }

  @Override
  public void admmUpdate(int n, int k, float[] w, float[] z, float[] u, float[] scratch, double[] stats,
      ForkJoinPool pool) {
    assert k >= 0 && k <= n && scratch != w && scratch != z && scratch != u;
    if (n == 0) {
      stats[0] = Float.POSITIVE_INFINITY;
      stats[1] = 0;
      stats[2] = 0;
      return;
    }
    workspace().admmUpdate(n, k, w, z, u, scratch, stats, pool);
  }

  /** The thread's workspace, or a fresh one when this thread is already inside a call (FJ helping). */
  private MagnitudeRadixSelect workspace() {
    MagnitudeRadixSelect select = workspaces.get();
    if (select.busy) {
      select = new MagnitudeRadixSelect(this, candidateShift);
    }
    select.busy = true;
    return select;
  }

  // ---- chunk scans; key = float bits with the sign cleared ----

  /**
   * {@code h[hOff + (key >>> shift)]++} for the len keys of x from off; returns a value that is negative
   * iff one of them is NaN (an OR of {@code INFINITY_KEY − key}).
   */
  int histogramTop(float[] x, int off, int len, int shift, int[] h, int hOff) {
    int nan = 0;
    for (int i = off, end = off + len; i < end; i++) {
      int key = Float.floatToRawIntBits(x[i]) & MagnitudeRadixSelect.MAGNITUDE;
      nan |= MagnitudeRadixSelect.INFINITY_KEY - key;
      h[hOff + (key >>> shift)]++;
    }
    return nan;
  }

  /** {@code s = w + u} on [from, from + len), then {@link #histogramTop} of s. */
  int sumAndHistogramTop(float[] w, float[] u, float[] s, int from, int len, int shift, int[] h, int hOff) {
    int nan = 0;
    for (int i = from, end = from + len; i < end; i++) {
      float v = w[i] + u[i];
      s[i] = v;
      int key = Float.floatToRawIntBits(v) & MagnitudeRadixSelect.MAGNITUDE;
      nan |= MagnitudeRadixSelect.INFINITY_KEY - key;
      h[hOff + (key >>> shift)]++;
    }
    return nan;
  }

  /**
   * {@code h[hOff + digit]++} for the keys with {@code key >>> prefixShift == prefix}, where digit = the bits
   * from prefixShift − 1 down to digitShift.
   */
  void histogramDigit(float[] x, int off, int len, int prefix, int prefixShift, int digitShift, int[] h,
      int hOff) {
    int digitMask = (1 << (prefixShift - digitShift)) - 1;
    for (int i = off, end = off + len; i < end; i++) {
      int key = Float.floatToRawIntBits(x[i]) & MagnitudeRadixSelect.MAGNITUDE;
      if (key >>> prefixShift == prefix) {
        h[hOff + ((key >>> digitShift) & digitMask)]++;
      }
    }
  }

  /**
   * Copies the keys with {@code key >>> prefixShift == prefix} to {@code to[at..]}, in order; returns the
   * position after the last. The branch is taken for well under 1% of the keys of weights, so it is
   * predicted well (a branch-free copy, storing every key, measured 2–4× slower).
   */
  int collect(float[] x, int off, int len, int prefix, int prefixShift, int[] to, int at) {
    for (int i = off, end = off + len; i < end; i++) {
      int key = Float.floatToRawIntBits(x[i]) & MagnitudeRadixSelect.MAGNITUDE;
      if (key >>> prefixShift == prefix) {
        to[at++] = key;
      }
    }
    return at;
  }

  /** {@code out[i] = key(x[i]) > bound ? x[i] : 0} for len elements. */
  void keepAbove(float[] x, int xOff, float[] out, int outOff, int len, int bound) {
    for (int i = 0; i < len; i++) {
      int bits = Float.floatToRawIntBits(x[xOff + i]);
      out[outOff + i] = Float.intBitsToFloat(bits & keepMask(bits, bound));
    }
  }

  /**
   * On [from, from + len): {@code Z' = key(s) > bound ? s : 0}, {@code U += W − Z'}, {@code Z = Z'};
   * adds {@code Σ (W − Z')²} to {@code p[pOff]} and {@code Σ (Z' − Z)²} to {@code p[pOff + 1]}, in double.
   */
  void admmWrite(float[] w, float[] s, float[] z, float[] u, int from, int len, int bound, double[] p,
      int pOff) {
    double primal = 0;
    double change = 0;
    for (int i = from, end = from + len; i < end; i++) {
      int bits = Float.floatToRawIntBits(s[i]);
      float zNew = Float.intBitsToFloat(bits & keepMask(bits, bound));
      float r = w[i] - zNew;
      float dz = zNew - z[i];
      primal += (double) r * r;
      change += (double) dz * dz;
      u[i] = ScalarOptimizerSupport.flush(u[i] + r);
      z[i] = zNew;
    }
    p[pOff] += primal;
    p[pOff + 1] += change;
  }

  /**
   * All ones when the magnitude key of {@code bits} exceeds bound (≥ −1), else 0. Branch-free: a kept/dropped
   * branch on random weights mispredicts often and costs more than the whole pass.
   */
  static int keepMask(int bits, int bound) {
    return (bound - (bits & MagnitudeRadixSelect.MAGNITUDE)) >> 31;
  }
}
