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
  private float[] mask;

  /**
   * @param name the layer's name ({@code conv1}); the weight tensor is {@code conv1.weight}
   * @param keep α_i, the number of non-zeros the layer keeps, in [0, n]
   */
  public PrunedLayer(String name, Parameter weight, int keep) {
    if (keep < 0 || keep > weight.size()) {
      throw new IllegalArgumentException(name + ": keep " + keep + " outside [0, " + weight.size() + "]");
    }
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

  /** The 0/1 mask after hard pruning, or null before it. */
  public float[] mask() {
    return mask;
  }

  void setMask(float[] mask) {
    this.mask = mask;
  }
}
