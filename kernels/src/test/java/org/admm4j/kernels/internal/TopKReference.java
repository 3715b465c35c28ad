package org.admm4j.kernels.internal;

import java.util.Arrays;

/** The sort-based answers the projection kernels are checked against: plain, slow, obviously right. */
final class TopKReference {

  final float[] out;
  final float threshold;

  private TopKReference(float[] out, float threshold) {
    this.out = out;
    this.threshold = threshold;
  }

  /** Sorts (|w| descending, index ascending) and keeps the first k. */
  static TopKReference of(int n, int k, float[] w, int wOff) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      double mag = Math.abs((double) w[wOff + i]);
      if (Double.isNaN(mag)) {
        throw new IllegalStateException("reference given a NaN");
      }
      // |w| as a float's bits orders like |w|; larger first, then lower index first
      int bits = Float.floatToIntBits((float) mag);
      keys[i] = ((long) (Integer.MAX_VALUE - bits) << 32) | i;
    }
    Arrays.sort(keys);
    float[] out = new float[n];
    float threshold = Float.POSITIVE_INFINITY;
    for (int r = 0; r < k; r++) {
      int i = (int) keys[r];
      out[i] = w[wOff + i];
      threshold = Math.abs(w[wOff + i]);
    }
    return new TopKReference(out, threshold);
  }

  /** Z' = Π_k(W + U), U' = U + (W − Z'), and ‖W − Z'‖², ‖Z' − Z‖² in double. */
  static final class Admm {
    final float[] z;
    final float[] u;
    final float threshold;
    final double primal;
    final double change;

    Admm(int n, int k, float[] w, float[] zPrev, float[] u) {
      float[] s = new float[n];
      for (int i = 0; i < n; i++) {
        s[i] = w[i] + u[i];
      }
      TopKReference top = of(n, k, s, 0);
      this.z = top.out;
      this.threshold = top.threshold;
      this.u = new float[n];
      double p = 0;
      double c = 0;
      for (int i = 0; i < n; i++) {
        this.u[i] = u[i] + (w[i] - z[i]);
        double r = (double) w[i] - z[i];
        double d = (double) z[i] - zPrev[i];
        p += r * r;
        c += d * d;
      }
      this.primal = p;
      this.change = c;
    }
  }
}
