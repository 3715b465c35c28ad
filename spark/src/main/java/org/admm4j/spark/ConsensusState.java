package org.admm4j.spark;

import java.io.Serializable;

/**
 * What partition k keeps beside its data shard between ADMM iterations (one element per partition of the
 * state RDD): its consensus blocks W_k (one per pruned layer), their scaled duals U_k, its other tensors
 * (biases and the like, averaged rather than constrained), the solver's own state (optimizer moments, step
 * count) and the figures of the last task.
 *
 * <p>Never changed after construction: a cached state is read by the next iteration's task, and a task Spark
 * retries must find it as it was, so every step builds a new one.
 */
public final class ConsensusState implements Serializable {

  private static final long serialVersionUID = 1L;

  private final int partition;
  private final float[][] x;
  private final float[][] u;
  private final float[][] free;
  private final Serializable local;
  private final TaskFigures figures;

  public ConsensusState(int partition, float[][] x, float[][] u, float[][] free, Serializable local,
      TaskFigures figures) {
    if (x.length != u.length) {
      throw new IllegalArgumentException(x.length + " consensus blocks but " + u.length + " duals");
    }
    this.partition = partition;
    this.x = x;
    this.u = u;
    this.free = free;
    this.local = local;
    this.figures = figures;
  }

  /** A state whose duals are all zero (U^0 = 0). */
  public static ConsensusState start(int partition, float[][] x, float[][] free, Serializable local) {
    float[][] u = new float[x.length][];
    for (int j = 0; j < x.length; j++) {
      u[j] = new float[x[j].length];
    }
    return new ConsensusState(partition, x, u, free, local, TaskFigures.NONE);
  }

  public int partition() {
    return partition;
  }

  /** W_k per consensus block (do not modify). */
  public float[][] x() {
    return x;
  }

  /** U_k per consensus block (do not modify). */
  public float[][] u() {
    return u;
  }

  /** The tensors that are averaged, not constrained (do not modify). */
  public float[][] free() {
    return free;
  }

  /** The local solver's own state, or null. */
  public Serializable local() {
    return local;
  }

  public TaskFigures figures() {
    return figures;
  }

  /**
   * The U-step, U_k + W_k − Z, in the float arithmetic of the fused local kernel
   * ({@code Projection.admmUpdate}: {@code r = w − z; u = u + r}, subnormals flushed to 0), so a one-partition
   * run gives the same bits as the local solver.
   */
  public ConsensusState uStep(float[][] z) {
    float[][] next = new float[u.length][];
    for (int j = 0; j < u.length; j++) {
      float[] w = x[j], zj = z[j], uj = u[j];
      float[] n = new float[uj.length];
      for (int i = 0; i < n.length; i++) {
        float v = uj[i] + (w[i] - zj[i]);
        n[i] = Math.abs(v) < Float.MIN_NORMAL ? 0f : v;
      }
      next[j] = n;
    }
    return new ConsensusState(partition, x, next, free, local, figures);
  }

  /** Σ_i (W_k − Z)² per block, in double. */
  public double[] primalSquares(float[][] z) {
    double[] out = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      double s = 0;
      float[] w = x[j], zj = z[j];
      for (int i = 0; i < w.length; i++) {
        float r = w[i] - zj[i];
        s += (double) r * r;
      }
      out[j] = s;
    }
    return out;
  }

  /** Floats held (W, U and the free tensors). */
  public long floats() {
    long n = 0;
    for (float[] a : x) {
      n += 2L * a.length;
    }
    for (float[] a : free) {
      n += a.length;
    }
    return n;
  }
}
