package org.admm4j.kernels;

import org.admm4j.kernels.internal.BlasSupport;
import org.admm4j.kernels.internal.KernelProvider;

/** Dense matrix products on row-major {@code float[]} with offsets and leading dimensions. */
public final class Blas {

  private static final BlasSupport IMPL = KernelProvider.getInstance().blas();

  private Blas() {}

  /**
   * <pre>C = alpha·op(A)·op(B) + beta·C,   c_ij = alpha·Σ_p op(A)_ip·op(B)_pj + beta·c_ij</pre>
   * op(A) is m×k, op(B) k×n, C m×n. When {@code beta == 0}, C's old contents are ignored (NaN
   * included). Large products run on {@link KernelThreads#pool()}.
   *
   * @param a Not modified. A stored as m×k (N) or k×m (T), row-major, at {@code aOff} with row stride lda.
   * @param b Not modified. B stored as k×n (N) or n×k (T).
   * @param c Modified. m×n, row stride ldc.
   * @throws IllegalArgumentException on negative sizes, short leading dimensions or arrays too small
   */
  public static void gemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    if (m == 0 || n == 0) {
      return;
    }
    long flops = (long) m * n * k;
    IMPL.gemm(transA.transposed(), transB.transposed(), m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
        beta, c, cOff, ldc, flops >= KernelParameters.GEMM_PARALLEL_FLOPS ? KernelThreads.forkPool() : null);
  }

  /** {@code C = op(A)·op(B)} on whole, packed arrays (lda, ldb, ldc equal to the row lengths). */
  public static void gemm(Transpose transA, Transpose transB, int m, int n, int k,
      float[] a, float[] b, float[] c) {
    gemm(transA, transB, m, n, k, 1f, a, 0, transA.transposed() ? m : k, b, 0,
        transB.transposed() ? k : n, 0f, c, 0, n);
  }

  static void check(Transpose transA, Transpose transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
    if (transA == null || transB == null) {
      throw new IllegalArgumentException("transA and transB must be N or T, not null");
    }
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("negative dimension: m=" + m + " n=" + n + " k=" + k);
    }
    int aRows = transA.transposed() ? k : m, aCols = transA.transposed() ? m : k;
    int bRows = transB.transposed() ? n : k, bCols = transB.transposed() ? k : n;
    checkMatrix("A", a, aOff, lda, aRows, aCols);
    checkMatrix("B", b, bOff, ldb, bRows, bCols);
    checkMatrix("C", c, cOff, ldc, m, n);
  }

  private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
    if (x == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException("ld" + name.toLowerCase() + " = " + ld + " is less than the "
          + cols + " columns of " + name);
    }
    if (off < 0) {
      throw new IllegalArgumentException(name + " offset is negative: " + off);
    }
    if (rows > 0 && cols > 0 && (long) off + (long) (rows - 1) * ld + cols > x.length) {
      throw new IllegalArgumentException(name + " needs " + ((long) off + (long) (rows - 1) * ld + cols)
          + " floats (" + rows + "×" + cols + ", ld " + ld + ", offset " + off + ") but has " + x.length);
    }
  }
}
