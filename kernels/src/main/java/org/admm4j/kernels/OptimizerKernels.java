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

  /** SGD with (Nesterov) momentum and weight decay; see {@link OptimizerSupport#sgd}. */
  public static void sgd(int n, float[] w, float[] g, float[] v, float lr, float momentum, boolean nesterov,
      float weightDecay, float rho, float[] z, float[] u, float[] mask) {
    ArrayChecks.range("w", w, 0, n);
    ArrayChecks.range("g", g, 0, n);
    ArrayChecks.range("velocity", v, 0, n);
    checkPenaltyAndMask(n, z, u, mask);
    IMPL.sgd(n, w, g, v, lr, momentum, nesterov, weightDecay, rho, z, u, mask);
  }

  /** Adam; see {@link OptimizerSupport#adam}. */
  public static void adam(int n, float[] w, float[] g, float[] m, float[] v, float lr, float beta1,
      float beta2, float eps, int step, float weightDecay, float rho, float[] z, float[] u, float[] mask) {
    ArrayChecks.range("w", w, 0, n);
    ArrayChecks.range("g", g, 0, n);
    ArrayChecks.range("m", m, 0, n);
    ArrayChecks.range("v", v, 0, n);
    if (step < 1) {
      throw new IllegalArgumentException("Adam step must be at least 1, got " + step);
    }
    checkPenaltyAndMask(n, z, u, mask);
    IMPL.adam(n, w, g, m, v, lr, beta1, beta2, eps, step, weightDecay, rho, z, u, mask);
  }

  private static void checkPenaltyAndMask(int n, float[] z, float[] u, float[] mask) {
    if ((z == null) != (u == null)) {
      throw new IllegalArgumentException("z and u must both be given or both be null");
    }
    if (z != null) {
      ArrayChecks.range("z", z, 0, n);
      ArrayChecks.range("u", u, 0, n);
    }
    if (mask != null) {
      ArrayChecks.range("mask", mask, 0, n);
    }
  }
}
