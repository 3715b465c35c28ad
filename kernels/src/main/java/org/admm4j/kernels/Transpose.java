package org.admm4j.kernels;

/** Whether a GEMM operand is used as stored ({@code N}) or transposed ({@code T}). */
public enum Transpose {
  N,
  T;

  /** True for {@code T}. */
  public boolean transposed() {
    return this == T;
  }
}
