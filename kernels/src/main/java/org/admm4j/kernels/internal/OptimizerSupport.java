package org.admm4j.kernels.internal;

/**
 * Fused optimizer updates, one pass over each weight tensor. Both take the ADMM penalty
 * {@code ρ(W − Z + U)} (skipped when z is null) and a pruning mask (1 keeps, 0 prunes; skipped when
 * null) inside the update, so pruned weights and their optimizer state stay exactly zero.
 */
public interface OptimizerSupport {

  /**
   * SGD with momentum: {@code g' = g + wd·w + ρ(w − z + u)}; {@code v = μ·v + g'};
   * {@code w −= lr·(nesterov ? g' + μ·v : v)}; then {@code w = v = 0} where the mask is 0; on the
   * elements {@code [from, to)} of every array.
   */
  void sgd(int from, int to, float[] w, float[] g, float[] v, float lr, float momentum, boolean nesterov,
      float weightDecay, float rho, float[] z, float[] u, float[] mask);

  /**
   * Adam (bias-corrected, step ≥ 1) on {@code g' = g + wd·w + ρ(w − z + u)}; then
   * {@code w = m = v = 0} where the mask is 0; on the elements {@code [from, to)} of every array.
   */
  void adam(int from, int to, float[] w, float[] g, float[] m, float[] v, float lr, float beta1, float beta2,
      float eps, int step, float weightDecay, float rho, float[] z, float[] u, float[] mask);
}
