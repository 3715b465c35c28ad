package org.admm4j.kernels.internal;

import static org.admm4j.kernels.internal.GemmBlocking.SCALAR_KC;
import static org.admm4j.kernels.internal.GemmBlocking.SCALAR_NC;

import java.util.concurrent.ForkJoinPool;

/**
 * Plain-Java matrix products: the reference for the Vector API kernels and the fallback without them.
 *
 * <p>GEMM scales C by beta, then, per KC×NC block of op(B) packed densely (which absorbs transB and
 * ldb), runs an i-p-j loop: C's row segment stays in L1 and the packed block in L2, and the inner j
 * loop is a unit-stride axpy that C2 auto-vectorises. Large products split over the pool by
 * {@link GemmGrid}.
 */
final class ScalarBlasSupport implements BlasSupport {

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc, ForkJoinPool pool) {
    if (m == 0 || n == 0) {
      return;
    }
    GemmGrid.gemm(ScalarBlasSupport::gemmSequential, 1, 1, transA, transB, m, n, k, alpha,
        a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, pool);
  }

  /** The single-threaded blocked GEMM. */
  static void gemmSequential(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    scale(m, n, beta, c, cOff, ldc);
    if (k == 0 || alpha == 0f) {
      return;
    }
    GemmWorkspace ws = GemmWorkspace.acquire();
    try {
      float[] packed = ws.packedB(SCALAR_KC * Math.min(SCALAR_NC, n));
      for (int jc = 0; jc < n; jc += SCALAR_NC) {
        int nc = Math.min(SCALAR_NC, n - jc);
        for (int pc = 0; pc < k; pc += SCALAR_KC) {
          int kc = Math.min(SCALAR_KC, k - pc);
          packB(transB, b, bOff, ldb, pc, jc, kc, nc, packed);
          for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc + jc;
            for (int p = 0; p < kc; p++) {
              float aip = alpha * (transA ? a[aOff + (pc + p) * lda + i] : a[aOff + i * lda + pc + p]);
              axpy(nc, aip, packed, p * nc, c, ci);
            }
          }
        }
      }
    } finally {
      ws.release();
    }
  }

  /** C = beta·C; beta == 0 writes zeros, whatever C held. */
  static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
    if (beta == 1f) {
      return;
    }
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * ldc;
      if (beta == 0f) {
        java.util.Arrays.fill(c, ci, ci + n, 0f);
      } else {
        for (int j = 0; j < n; j++) {
          c[ci + j] *= beta;
        }
      }
    }
  }

  /** The kc×nc block of op(B) at (pc, jc), row-major with row length nc. */
  private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int jc, int kc, int nc,
      float[] packed) {
    if (transB) {
      // B stored n×k: column p of the block is a strided walk; read B rows contiguously instead
      for (int j = 0; j < nc; j++) {
        int src = bOff + (jc + j) * ldb + pc;
        for (int p = 0; p < kc; p++) {
          packed[p * nc + j] = b[src + p];
        }
      }
    } else {
      for (int p = 0; p < kc; p++) {
        System.arraycopy(b, bOff + (pc + p) * ldb + jc, packed, p * nc, nc);
      }
    }
  }

  private static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    for (int j = 0; j < n; j++) {
      y[yOff + j] += alpha * x[xOff + j];
    }
  }
}
