package org.admm4j.admm;

import java.util.List;
import org.admm4j.admm.config.LayerStructure;
import org.admm4j.nn.Parameter;

/**
 * One weight tensor under ADMM pruning: its weights W_i (the model's parameter), the target number of
 * non-zeros α_i, the auxiliary variable Z_i (the closest α_i-sparse tensor), the scaled dual variable
 * U_i, and after hard pruning the 0/1 mask of the kept weights. Under a group structure (filters,
 * channels, columns) α_i is a whole number of groups and the Z-step projects onto them; a filter-pruned
 * layer also names its <em>companions</em>, the tensors indexed by its output channel (its bias, the
 * BatchNorm after it) whose entries of a pruned filter are held at 0 with it, so the channel carries exact
 * zeros and can be removed.
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
  private final LayerStructure structure;
  private final int groups;
  private final List<Parameter> companions;
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
    this(name, weight, keep, support, LayerStructure.WEIGHT, 0, List.of());
  }

  /**
   * A layer pruned by whole groups: it keeps {@code groups} of its filters, channels or columns.
   *
   * @param companions tensors of one entry per output channel held at 0 with a pruned filter (FILTER only)
   * @throws IllegalArgumentException when the weight is not {@code [out, in, kh, kw]} or {@code [out, in]},
   *     {@code groups} is outside 1..(the layer's groups), or a companion's size is not the output channels
   */
  public static PrunedLayer structured(String name, Parameter weight, LayerStructure structure, int groups,
      List<Parameter> companions) {
    if (!structure.grouped()) {
      throw new IllegalArgumentException(name + ": " + structure + " is not a group structure");
    }
    int[] shape = weight.shape();
    int total = structure.groups(shape);
    if (groups < 1 || groups > total) {
      throw new IllegalArgumentException(name + ": keep " + groups + " of " + total + " " + structure.plural()
          + ", must be in 1.." + total);
    }
    for (Parameter c : companions) {
      if (structure != LayerStructure.FILTER || c.size() != shape[0]) {
        throw new IllegalArgumentException(name + ": companion " + c.name() + " of " + c.size() + " entries for "
            + shape[0] + " filters (" + structure.plural() + ")");
      }
    }
    return new PrunedLayer(name, weight, groups * structure.groupSize(shape), null, structure, groups,
        List.copyOf(companions));
  }

  private PrunedLayer(String name, Parameter weight, int keep, float[] support, LayerStructure structure,
      int groups, List<Parameter> companions) {
    this.structure = structure;
    this.groups = groups;
    this.companions = companions;
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

  /** What the pruning removes: single weights, filters, channels or columns. */
  public LayerStructure structure() {
    return structure;
  }

  /** Under a group structure the number of groups kept; 0 for single weights. */
  public int groups() {
    return groups;
  }

  /** The tensors held at 0 at a pruned filter's index (bias, BatchNorm scale and shift); empty if none. */
  public List<Parameter> companions() {
    return companions;
  }

  /**
   * Which filters (output channels) the mask keeps: a filter survives when any of its weights does. Null
   * before hard pruning.
   */
  public boolean[] keptFilters() {
    if (mask == null) {
      return null;
    }
    int out = weight.shape()[0];
    int per = mask.length / out;
    boolean[] kept = new boolean[out];
    for (int o = 0; o < out; o++) {
      for (int j = o * per; j < (o + 1) * per && !kept[o]; j++) {
        kept[o] = mask[j] != 0f;
      }
    }
    return kept;
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
