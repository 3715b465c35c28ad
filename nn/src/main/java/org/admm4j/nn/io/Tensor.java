package org.admm4j.nn.io;

import java.util.Arrays;

/** A float32 tensor for checkpoints: dimensions and row-major data (held, not copied). */
public record Tensor(int[] shape, float[] data) {

  public Tensor {
    if (shape == null || data == null) {
      throw new IllegalArgumentException("tensor shape and data must not be null");
    }
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " floats but data has "
          + data.length);
    }
    shape = shape.clone();
  }

  /** A one-dimensional tensor over {@code data}. */
  public static Tensor of(float[] data) {
    return new Tensor(new int[] {data.length}, data);
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
