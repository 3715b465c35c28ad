package org.admm4j.kernels.internal;

import static org.admm4j.kernels.internal.GemmBlocking.SCALAR_KC;
import static org.admm4j.kernels.internal.GemmBlocking.SCALAR_NC;

import java.util.concurrent.ForkJoinPool;

/**
 * Plain-Java matrix products: the reference for the Vector API kernels and the fallback without them.
 *
 * <p>GEMM scales C by beta, then, per KC×NC block of op(B) packed into one array per row (which
 * absorbs transB and ldb), runs an i-p-j loop: a copy of C's row segment stays in L1, the packed
 * block in L2, and the inner j loop is a unit-stride axpy that C2 auto-vectorises. Large products
 * split over the pool by {@link GemmGrid}.
 */
final class ScalarBlasSupport implements BlasSupport {

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc, ForkJoinPool pool) {
    assert GemmGrid.validShape(transA, transB, m, n, k, lda, ldb, ldc) : "bad GEMM shape (the facade checks)";
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
      int width = Math.min(SCALAR_NC, n);
      float[][] rows = ws.packedRows(Math.min(SCALAR_KC, k), width);
      float[] acc = ws.rowBuffer(width);
      for (int jc = 0; jc < n; jc += SCALAR_NC) {
        int nc = Math.min(SCALAR_NC, n - jc);
        for (int pc = 0; pc < k; pc += SCALAR_KC) {
          int kc = Math.min(SCALAR_KC, k - pc);
          packB(transB, b, bOff, ldb, pc, jc, kc, nc, rows);
          for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc + jc;
            System.arraycopy(c, ci, acc, 0, nc);
            for (int p = 0; p < kc; p++) {
              float aip = alpha * (transA ? a[aOff + (pc + p) * lda + i] : a[aOff + i * lda + pc + p]);
              axpy(nc, aip, rows[p], acc);
            }
            System.arraycopy(acc, 0, c, ci, nc);
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

  /** The kc×nc block of op(B) at (pc, jc), one array per row. */
  private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int jc, int kc, int nc,
      float[][] rows) {
    if (transB) {
      // B stored n×k: walk B's rows contiguously, 32 of op(B)'s rows at a time so they stay in L1
      for (int p0 = 0; p0 < kc; p0 += 32) {
        int p1 = Math.min(kc, p0 + 32);
        for (int j = 0; j < nc; j++) {
          int src = bOff + (jc + j) * ldb + pc;
          for (int p = p0; p < p1; p++) {
            rows[p][j] = b[src + p];
          }
        }
      }
    } else {
      for (int p = 0; p < kc; p++) {
        System.arraycopy(b, bOff + (pc + p) * ldb + jc, rows[p], 0, nc);
      }
    }
  }

  /**
   * y += alpha·x over [0, n). Both arrays start at index 0 on purpose: C2 (JDK 17) only
   * auto-vectorises such a loop when it need not prove two offsets into possibly-equal arrays apart.
   */
  private static void axpy(int n, float alpha, float[] x, float[] y) {
    for (int j = 0; j < n; j++) {
      y[j] += alpha * x[j];
    }
  }
}
