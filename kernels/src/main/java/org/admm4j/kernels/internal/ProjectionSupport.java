package org.admm4j.kernels.internal;

import java.util.concurrent.ForkJoinPool;

/** Projection onto the set of k-sparse vectors (the ADMM Z-step) and the fused Z/U update. */
public interface ProjectionSupport {

  /**
   * {@code out = w} on the k entries of largest |w| (ties: lower index wins), 0 elsewhere; returns the
   * smallest kept magnitude, or +∞ when k = 0. A NaN in w is an {@link IllegalArgumentException}.
   */
  float topK(int n, int k, float[] w, int wOff, float[] out, int outOff, ForkJoinPool pool);

  /**
   * The fused ADMM Z- and U-steps: {@code Z = Π_k(W + U)}, {@code U += W − Z}. On entry z holds Z_prev.
   * Writes {@code stats[0] = threshold}, {@code stats[1] = ‖W − Z‖²}, {@code stats[2] = ‖Z − Z_prev‖²}.
   * {@code scratch} holds at least n floats.
   */
  void admmUpdate(int n, int k, float[] w, float[] z, float[] u, float[] scratch, double[] stats,
      ForkJoinPool pool);
}
