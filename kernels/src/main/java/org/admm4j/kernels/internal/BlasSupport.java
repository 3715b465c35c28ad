package org.admm4j.kernels.internal;

import java.util.concurrent.ForkJoinPool;

/** Dense matrix products over row-major {@code float[]} with offsets and leading dimensions. */
public interface BlasSupport {

  /**
   * {@code C = alpha·op(A)·op(B) + beta·C} with op(A) m×k, op(B) k×n, C m×n; {@code beta == 0} ignores
   * C's old contents (NaN included). Runs on {@code pool} when non-null, else on the calling thread.
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc, ForkJoinPool pool);
}
