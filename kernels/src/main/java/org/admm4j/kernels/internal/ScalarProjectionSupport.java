package org.admm4j.kernels.internal;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;

/** Plain-Java projection. */
class ScalarProjectionSupport implements ProjectionSupport {

  // TODO(topk): radix/histogram selection; this sorts.
  @Override
  public float topK(int n, int k, float[] w, int wOff, float[] out, int outOff, ForkJoinPool pool) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      float v = w[wOff + i];
      if (Float.isNaN(v)) {
        throw new IllegalArgumentException("NaN at index " + i + " of the array to project");
      }
      int mag = Float.floatToRawIntBits(v) & 0x7fffffff;
      // larger magnitude first, then lower index first
      keys[i] = ((long) (0x7fffffff - mag) << 32) | i;
    }
    Arrays.sort(keys);
    Arrays.fill(out, outOff, outOff + n, 0f);
    float threshold = Float.POSITIVE_INFINITY;
    for (int r = 0; r < k; r++) {
      int i = (int) keys[r];
      out[outOff + i] = w[wOff + i];
      threshold = Math.abs(w[wOff + i]);
    }
    return threshold;
  }

  @Override
  public void admmUpdate(int n, int k, float[] w, float[] z, float[] u, float[] scratch, double[] stats,
      ForkJoinPool pool) {
    for (int i = 0; i < n; i++) {
      scratch[i] = w[i] + u[i];
    }
    double dual = 0;
    double primal = 0;
    // z still holds Z_prev: write the new Z into scratch's place via a second buffer pass
    float[] next = new float[n];
    float threshold = topK(n, k, scratch, 0, next, 0, pool);
    for (int i = 0; i < n; i++) {
      double dz = (double) next[i] - z[i];
      dual += dz * dz;
      double r = (double) w[i] - next[i];
      primal += r * r;
      u[i] += w[i] - next[i];
      z[i] = next[i];
    }
    stats[0] = threshold;
    stats[1] = primal;
    stats[2] = dual;
  }
}
