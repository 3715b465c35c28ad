package org.admm4j.kernels;

import java.util.concurrent.ForkJoinPool;
import org.admm4j.kernels.internal.KernelProvider;
import org.admm4j.kernels.internal.ProjectionSupport;

/** Euclidean projection onto k-sparse vectors: the ADMM Z-step, and its fused Z/U update. */
public final class Projection {

  private static final ProjectionSupport IMPL = KernelProvider.getInstance().projection();

  private Projection() {}

  /**
   * Keeps the k entries of largest magnitude: {@code out[i] = w[i]} for those, 0 elsewhere; exactly k
   * survive, ties at the threshold going to the lower indices. A selection on the float bits (no sort):
   * about two reads of w and one write of out.
   *
   * @param w Not modified. ±0, subnormals and ±∞ are allowed; NaN is not.
   * @param out Modified. May be w with the same offset (in place); no other overlap.
   * @return the smallest kept magnitude, or +∞ when k = 0
   * @throws IllegalArgumentException if k is outside [0, n], out overlaps w otherwise than exactly, or w
   *     holds a NaN (the message gives its index; nothing is written then)
   */
  public static float topK(int n, int k, float[] w, int wOff, float[] out, int outOff) {
    checkTopK(n, k, w, wOff, "out", out, outOff);
    return IMPL.topK(n, k, w, wOff, out, outOff, poolFor(n));
  }


  private static void checkTopK(int n, int k, float[] w, int wOff, String outName, float[] out, int outOff) {
    ArrayChecks.range("w", w, wOff, n);
    ArrayChecks.range(outName, out, outOff, n);
    if (k < 0 || k > n) {
      throw new IllegalArgumentException("k = " + k + " is outside [0, " + n + "]");
    }
    if (out == w && outOff != wOff && Math.abs((long) outOff - wOff) < n) {
      throw new IllegalArgumentException(outName + " overlaps w (offsets " + outOff + " and " + wOff + ", n = " + n
          + "): only the same offset (in place) is allowed");
    }
  }

  private static ForkJoinPool poolFor(int n) {
    return n >= KernelParameters.PROJECTION_PARALLEL_ELEMENTS ? KernelThreads.forkPool() : null;
  }

  /**
   * The ADMM Z- and U-steps for one layer, fused: {@code Z = Π_k(W + U)} ({@link #topK} of W + U),
   * {@code U += W − Z}. Two passes over the arrays: W + U into scratch with the first histogram, then
   * Z, U and both norms (summed in double, per chunk, in a fixed order: the same bits for any pool).
   * Nothing is allocated but the returned record.
   *
   * @param w Not modified. The layer's weights.
   * @param z Modified. Z_prev on entry, the new Z on return.
   * @param u Modified. The scaled dual variable.
   * @param scratch Modified. At least n floats of workspace.
   * @return the threshold, the squared primal residual ‖W − Z‖² and the squared change ‖Z − Z_prev‖²
   * @throws IllegalArgumentException if k is outside [0, n], an array is too short or shared, or W + U
   *     holds a NaN (the message gives its index; z and u are unchanged then)
   */
  public static AdmmStepNorms admmUpdate(int n, int k, float[] w, float[] z, float[] u, float[] scratch) {
    ArrayChecks.range("w", w, 0, n);
    ArrayChecks.range("z", z, 0, n);
    ArrayChecks.range("u", u, 0, n);
    ArrayChecks.range("scratch", scratch, 0, n);
    if (k < 0 || k > n) {
      throw new IllegalArgumentException("k = " + k + " is outside [0, " + n + "]");
    }
    if (scratch == w || scratch == z || scratch == u || z == w || u == w || z == u) {
      throw new IllegalArgumentException("w, z, u and scratch must be four different arrays");
    }
    double[] stats = new double[3];
    IMPL.admmUpdate(n, k, w, z, u, scratch, stats, poolFor(n));
    return new AdmmStepNorms((float) stats[0], stats[1], stats[2]);
  }

  /** Outcome of one fused Z/U step: threshold, ‖W − Z‖², ‖Z − Z_prev‖². */
  public record AdmmStepNorms(float threshold, double primalSquared, double zChangeSquared) {}
}
