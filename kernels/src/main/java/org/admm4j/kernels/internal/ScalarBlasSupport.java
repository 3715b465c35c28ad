package org.admm4j.kernels.internal;

import java.util.concurrent.ForkJoinPool;

/** Plain-Java matrix products. */
final class ScalarBlasSupport implements BlasSupport {

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc, ForkJoinPool pool) {
    // TODO(sgemm): blocked version; this is the simple i-p-j order.
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * ldc;
      if (beta == 0f) {
        for (int j = 0; j < n; j++) {
          c[ci + j] = 0f;
        }
      } else if (beta != 1f) {
        for (int j = 0; j < n; j++) {
          c[ci + j] *= beta;
        }
      }
      for (int p = 0; p < k; p++) {
        float aip = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
        if (transB) {
          for (int j = 0; j < n; j++) {
            c[ci + j] += aip * b[bOff + j * ldb + p];
          }
        } else {
          int bp = bOff + p * ldb;
          for (int j = 0; j < n; j++) {
            c[ci + j] += aip * b[bp + j];
          }
        }
      }
    }
  }
}
