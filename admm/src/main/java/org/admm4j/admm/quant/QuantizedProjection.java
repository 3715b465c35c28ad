package org.admm4j.admm.quant;

import org.admm4j.kernels.Projection;

/**
 * The Z-step of joint pruning and quantization (ADMM-NN, Ren et al., arXiv 1812.11677): the projection of
 * {@code x} onto {@code {Z : card(Z) ≤ k, every Z_j a level of the layer's grid}}, the grid having 2^b − 1
 * levels with zero among them.
 *
 * <p>For a uniform grid {@code s·{−M..M}} this is exact: for any s the saving of keeping a value instead of
 * zeroing it, {@code x² − (x − q_s(x))²}, does not decrease with |x|, so for every s the best support is the k
 * largest magnitudes, and over s the optimum is {@link UniformScaleSearch}'s on those. For a codebook the
 * support is the same top-k and the levels are the k-means fit ({@link CodebookFit}) on it, started from that
 * uniform optimum. Kept values that round to zero are dropped (the result has at most k non-zeros); zeros of
 * {@code x} stay zero.
 */
public final class QuantizedProjection {

  private QuantizedProjection() {}

  /** What a projection chose: the grid and the smallest magnitude of the top-k before quantizing. */
  public record Result(LevelGrid grid, float threshold) {}

  /**
   * Writes the projection of {@code x[0, n)} to {@code out} (may be x itself).
   *
   * @throws IllegalArgumentException if k is outside [0, n], bits outside 2..8, or x holds a NaN
   */
  public static Result project(int n, int k, float[] x, float[] out, int bits, QuantizationMode mode) {
    float threshold = Projection.topK(n, k, x, 0, out, 0);
    LevelGrid grid = mode.fit(out.length == n ? out : java.util.Arrays.copyOf(out, n), bits);
    grid.quantize(out, n);
    return new Result(grid, threshold);
  }

  /**
   * The ADMM Z- and U-steps of one layer: {@code Z = Π(W + U)} ({@link #project}), {@code U += W − Z}, with the
   * norms of {@link Projection#admmUpdate}.
   *
   * @param scratch n floats of workspace, distinct from w, z and u
   */
  public static Projection.AdmmStepNorms admmUpdate(int n, int k, float[] w, float[] z, float[] u, float[] scratch,
      int bits, QuantizationMode mode) {
    if (scratch == w || scratch == z || scratch == u || z == w || u == w || z == u) {
      throw new IllegalArgumentException("w, z, u and scratch must be four different arrays");
    }
    for (int j = 0; j < n; j++) {
      scratch[j] = w[j] + u[j];
    }
    Result r = project(n, k, scratch, scratch, bits, mode);
    double primal = 0;
    double change = 0;
    for (int j = 0; j < n; j++) {
      double dz = (double) scratch[j] - z[j];
      change += dz * dz;
      z[j] = scratch[j];
      u[j] += w[j] - z[j];
      double p = (double) w[j] - z[j];
      primal += p * p;
    }
    return new Projection.AdmmStepNorms(r.threshold(), primal, change);
  }
}
