package org.admm4j.admm;

import org.admm4j.nn.Parameter;

/**
 * One weight tensor under ADMM pruning: its weights W_i (the model's parameter), the target number of
 * non-zeros α_i, the auxiliary variable Z_i (the closest α_i-sparse tensor), the scaled dual variable
 * U_i, and after hard pruning the 0/1 mask of the kept weights.
 */
public final class PrunedLayer {

  private final String name;
  private final Parameter weight;
  private final int keep;
  // (n,) each
  private final float[] z;
  private final float[] u;
  private final float[] scratch;
  private final float[] support;
  private float[] mask;

  /**
   * @param name the layer's name ({@code conv1}); the weight tensor is {@code conv1.weight}
   * @param keep α_i, the number of non-zeros the layer keeps, in [0, n]
   */
  public PrunedLayer(String name, Parameter weight, int keep) {
    this(name, weight, keep, null);
  }

  /**
   * A layer of a later stage of progressive pruning: its Z-step projects onto the α_i largest magnitudes
   * within {@code support} (the previous stage's 0/1 mask), so its new support is a subset of it.
   *
   * @param support the previous stage's mask (n,), holding at least {@code keep} ones; null: unconstrained
   */
  public PrunedLayer(String name, Parameter weight, int keep, float[] support) {
    if (keep < 0 || keep > weight.size()) {
      throw new IllegalArgumentException(name + ": keep " + keep + " outside [0, " + weight.size() + "]");
    }
    if (support != null) {
      if (support.length != weight.size()) {
        throw new IllegalArgumentException(name + ": support has " + support.length + " entries, expected "
            + weight.size());
      }
      int ones = 0;
      for (float m : support) {
        ones += m != 0f ? 1 : 0;
      }
      if (ones < keep) {
        throw new IllegalArgumentException(name + ": keep " + keep + " exceeds the " + ones
            + " weights of the previous support");
      }
    }
    this.support = support;
    this.name = name;
    this.weight = weight;
    this.keep = keep;
    this.z = new float[weight.size()];
    this.u = new float[weight.size()];
    this.scratch = new float[weight.size()];
  }

  public String name() {
    return name;
  }

  /** W_i, the model's weight tensor (updated in place by the optimizer). */
  public Parameter weight() {
    return weight;
  }

  /** α_i. */
  public int keep() {
    return keep;
  }

  /** Number of weights n_i. */
  public int size() {
    return weight.size();
  }

  /** Z_i (n,). */
  public float[] z() {
    return z;
  }

  /** U_i (n,). */
  public float[] u() {
    return u;
  }

  /** Workspace of the Z-step (n,). */
  float[] scratch() {
    return scratch;
  }

  /** The previous stage's 0/1 mask this layer's support stays within, or null (stage 1). */
  public float[] support() {
    return support;
  }

  /** The 0/1 mask after hard pruning, or null before it. */
  public float[] mask() {
    return mask;
  }

  void setMask(float[] mask) {
    this.mask = mask;
  }
}
