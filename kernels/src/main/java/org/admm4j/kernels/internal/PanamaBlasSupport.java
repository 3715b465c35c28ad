package org.admm4j.kernels.internal;

import java.util.concurrent.ForkJoinPool;

/** Vector API matrix products. */
final class PanamaBlasSupport implements BlasSupport {

  // TODO(sgemm): packed, register-blocked Vector API SGEMM.
  private final ScalarBlasSupport fallback = new ScalarBlasSupport();

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc, ForkJoinPool pool) {
    fallback.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, pool);
  }
}
