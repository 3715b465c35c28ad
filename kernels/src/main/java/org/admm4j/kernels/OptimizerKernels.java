package org.admm4j.kernels;

import org.admm4j.kernels.internal.KernelProvider;
import org.admm4j.kernels.internal.OptimizerSupport;

/**
 * Fused optimizer updates over one weight tensor, with the ADMM penalty {@code ρ(W − Z + U)} (when z
 * is non-null) and a pruning mask (1 keeps, 0 prunes; when non-null) applied inside the same pass.
 */
public final class OptimizerKernels {

  private static final OptimizerSupport IMPL = KernelProvider.getInstance().optimizer();

  private OptimizerKernels() {}

  /** SGD with (Nesterov) momentum and weight decay on elements {@code [0, n)}; see {@link OptimizerSupport#sgd}. */
  public static void sgd(int n, float[] w, float[] g, float[] v, float lr, float momentum, boolean nesterov,
      float weightDecay, float rho, float[] z, float[] u, float[] mask) {
    sgd(0, n, w, g, v, lr, momentum, nesterov, weightDecay, rho, z, u, mask);
  }

  /**
   * SGD on the elements {@code [from, to)} of every array (a block of a tensor, so that one tensor's
   * update can be split over threads; every element's result is independent of the split).
   */
  public static void sgd(int from, int to, float[] w, float[] g, float[] v, float lr, float momentum,
      boolean nesterov, float weightDecay, float rho, float[] z, float[] u, float[] mask) {
    int n = checkRange(from, to);
    ArrayChecks.range("w", w, from, n);
    ArrayChecks.range("g", g, from, n);
    ArrayChecks.range("velocity", v, from, n);
    checkPenaltyAndMask(from, n, z, u, mask);
    IMPL.sgd(from, to, w, g, v, lr, momentum, nesterov, weightDecay, rho, z, u, mask);
  }

  /** Adam on elements {@code [0, n)}; see {@link OptimizerSupport#adam}. */
  public static void adam(int n, float[] w, float[] g, float[] m, float[] v, float lr, float beta1,
      float beta2, float eps, int step, float weightDecay, float rho, float[] z, float[] u, float[] mask) {
    adam(0, n, w, g, m, v, lr, beta1, beta2, eps, step, weightDecay, rho, z, u, mask);
  }

  /** Adam on the elements {@code [from, to)} of every array. */
  public static void adam(int from, int to, float[] w, float[] g, float[] m, float[] v, float lr, float beta1,
      float beta2, float eps, int step, float weightDecay, float rho, float[] z, float[] u, float[] mask) {
    int n = checkRange(from, to);
    ArrayChecks.range("w", w, from, n);
    ArrayChecks.range("g", g, from, n);
    ArrayChecks.range("m", m, from, n);
    ArrayChecks.range("v", v, from, n);
    if (step < 1) {
      throw new IllegalArgumentException("Adam step must be at least 1, got " + step);
    }
    checkPenaltyAndMask(from, n, z, u, mask);
    IMPL.adam(from, to, w, g, m, v, lr, beta1, beta2, eps, step, weightDecay, rho, z, u, mask);
  }

  private static int checkRange(int from, int to) {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("invalid element range [" + from + ", " + to + ")");
    }
    return to - from;
  }

  private static void checkPenaltyAndMask(int from, int n, float[] z, float[] u, float[] mask) {
    if ((z == null) != (u == null)) {
      throw new IllegalArgumentException("z and u must both be given or both be null");
    }
    if (z != null) {
      ArrayChecks.range("z", z, from, n);
      ArrayChecks.range("u", u, from, n);
    }
    if (mask != null) {
      ArrayChecks.range("mask", mask, from, n);
    }
  }
}
