package org.admm4j.nn;

import java.util.Arrays;

/**
 * A named tensor of a model with its gradient. Names and layouts are PyTorch's ({@code conv1.weight}
 * is {@code [out, in, kh, kw]}, {@code fc1.weight} is {@code [out, in]}), so checkpoints map one to one.
 * Non-trainable state (BatchNorm running statistics) uses the same class with {@link #trainable()} false.
 */
public final class Parameter {

  private final String name;
  private final int[] shape;
  private final float[] data;
  private final float[] grad;
  private final LayerKind kind;
  private final boolean weight;
  private final boolean trainable;
  private final long macsPerWeight;

  private Parameter(String name, int[] shape, LayerKind kind, boolean weight, boolean trainable,
      long macsPerWeight) {
    this.name = name;
    this.shape = shape.clone();
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(name + ": negative dimension in " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + ": too many elements " + n);
    }
    this.data = new float[(int) n];
    this.grad = trainable ? new float[(int) n] : new float[0];
    this.kind = kind;
    this.weight = weight;
    this.trainable = trainable;
    this.macsPerWeight = macsPerWeight;
  }

  /** A conv or linear weight tensor (a pruning target); {@code macsPerWeight} as {@link #macsPerWeight()}. */
  public static Parameter weight(String name, LayerKind kind, long macsPerWeight, int... shape) {
    if (kind == LayerKind.OTHER) {
      throw new IllegalArgumentException(name + ": a weight tensor belongs to a CONV or LINEAR layer");
    }
    return new Parameter(name, shape, kind, true, true, macsPerWeight);
  }

  /** A trainable tensor that is not a pruning target (biases, BatchNorm scale and shift). */
  public static Parameter other(String name, LayerKind kind, int... shape) {
    return new Parameter(name, shape, kind, false, true, 0);
  }

  /** A non-trainable state tensor saved with the model (BatchNorm running mean and variance). */
  public static Parameter buffer(String name, int... shape) {
    return new Parameter(name, shape, LayerKind.OTHER, false, false, 0);
  }

  /** PyTorch name, e.g. {@code conv1.weight}. */
  public String name() {
    return name;
  }

  /** Dimensions (a copy). */
  public int[] shape() {
    return shape.clone();
  }

  /** The values, row-major in {@link #shape()} order; modified in place by optimizers. */
  public float[] data() {
    return data;
  }

  /** Gradient of the loss with respect to {@link #data()} (empty for buffers). */
  public float[] grad() {
    return grad;
  }

  /** Number of elements. */
  public int size() {
    return data.length;
  }

  /** True for conv/linear weight tensors, false for biases, BatchNorm parameters and buffers. */
  public boolean isWeight() {
    return weight;
  }

  /** False for buffers (running statistics), which optimizers leave alone. */
  public boolean trainable() {
    return trainable;
  }

  /** The layer type the tensor belongs to. */
  public LayerKind kind() {
    return kind;
  }

  /**
   * Multiply-accumulates per sample each weight takes part in: the output's spatial size for a conv
   * weight, 1 for a linear weight, 0 for anything else; MACs = Σ nonzero·macsPerWeight.
   */
  public long macsPerWeight() {
    return macsPerWeight;
  }

  /** Non-zero entries of {@link #data()}. */
  public int countNonZero() {
    int nz = 0;
    for (float v : data) {
      if (v != 0f) {
        nz++;
      }
    }
    return nz;
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
