package org.admm4j.kernels;

import org.admm4j.kernels.internal.KernelProvider;
import org.admm4j.kernels.internal.ProjectionSupport;

/** Euclidean projection onto k-sparse vectors: the ADMM Z-step, and its fused Z/U update. */
public final class Projection {

  private static final ProjectionSupport IMPL = KernelProvider.getInstance().projection();

  private Projection() {}

  /**
   * Keeps the k entries of largest magnitude: {@code out[i] = w[i]} for those, 0 elsewhere; exactly k
   * survive, ties at the threshold going to the lower indices.
   *
   * @param w Not modified.
   * @param out Modified (may be w).
   * @return the smallest kept magnitude, or +∞ when k = 0
   * @throws IllegalArgumentException if k is outside [0, n] or w holds a NaN (the message gives its index)
   */
  public static float topK(int n, int k, float[] w, int wOff, float[] out, int outOff) {
    ArrayChecks.range("w", w, wOff, n);
    ArrayChecks.range("out", out, outOff, n);
    if (k < 0 || k > n) {
      throw new IllegalArgumentException("k = " + k + " is outside [0, " + n + "]");
    }
    return IMPL.topK(n, k, w, wOff, out, outOff,
        n >= KernelParameters.PROJECTION_PARALLEL_ELEMENTS ? KernelThreads.pool() : null);
  }

  /**
   * The ADMM Z- and U-steps for one layer, fused: {@code Z = Π_k(W + U)}, {@code U += W − Z}.
   *
   * @param w Not modified. The layer's weights.
   * @param z Modified. Z_prev on entry, the new Z on return.
   * @param u Modified. The scaled dual variable.
   * @param scratch Modified. At least n floats of workspace.
   * @return the threshold, the squared primal residual ‖W − Z‖² and the squared change ‖Z − Z_prev‖²
   */
  public static AdmmStepNorms admmUpdate(int n, int k, float[] w, float[] z, float[] u, float[] scratch) {
    ArrayChecks.range("w", w, 0, n);
    ArrayChecks.range("z", z, 0, n);
    ArrayChecks.range("u", u, 0, n);
    ArrayChecks.range("scratch", scratch, 0, n);
    if (k < 0 || k > n) {
      throw new IllegalArgumentException("k = " + k + " is outside [0, " + n + "]");
    }
    double[] stats = new double[3];
    IMPL.admmUpdate(n, k, w, z, u, scratch, stats,
        n >= KernelParameters.PROJECTION_PARALLEL_ELEMENTS ? KernelThreads.pool() : null);
    return new AdmmStepNorms((float) stats[0], stats[1], stats[2]);
  }

  /** Outcome of one fused Z/U step: threshold, ‖W − Z‖², ‖Z − Z_prev‖². */
  public record AdmmStepNorms(float threshold, double primalSquared, double zChangeSquared) {}
}
