package org.admm4j.kernels.internal;

import static org.admm4j.kernels.internal.GemmBlocking.DIRECT_B_ALIASING_STRIDE;
import static org.admm4j.kernels.internal.GemmBlocking.KC;
import static org.admm4j.kernels.internal.GemmBlocking.MC;
import static org.admm4j.kernels.internal.GemmBlocking.MR;
import static org.admm4j.kernels.internal.GemmBlocking.NC;
import static org.admm4j.kernels.internal.GemmBlocking.NR_VECTORS;

import java.util.concurrent.ForkJoinPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API matrix products.
 *
 * <p>GEMM follows BLIS/GotoBLAS: for each NC-column block of op(B) and KC slice of K, the KC×NC block
 * of op(B) is packed into NR-wide column panels; for each MC-row block of op(A), the MC×KC block is
 * packed into MR-tall row panels. Packing absorbs transposes, offsets and leading dimensions and pads
 * the last panels with zeros, so one micro-kernel serves NN, NT, TN and TT and never needs a mask: it
 * keeps an MR×NR tile of C in 2·MR vector accumulators over the whole slice (one broadcast of A per
 * row, two loads of B, FMAs only), and edges are trimmed when the tile is written back. MR is 8 or 6,
 * whichever fits the machine's vector registers ({@link GemmBlocking#MR}). When C has
 * few rows, full panels of an untransposed B are read in place instead (see
 * {@link GemmBlocking#MC} rows).
 *
 * <p>NOTE: the accumulators leave the micro-kernel through a small tile buffer. Writing them to C
 * directly (alpha, beta and all) made C2 on JDK 17 box them inside the loop: ~15× slower.
 *
 * <p>Each C element sums its K products in one fixed order (KC slices in turn, FMA chain within a
 * slice), whatever the pool, so the parallel path ({@link GemmGrid}) gives the sequential bits.
 */
final class PanamaBlasSupport implements BlasSupport {

  private static final VectorSpecies<Float> F = PanamaConstants.FLOATS;
  private static final int L = F.length();
  /** Rows of the short tail tile ({@link #microKernel4}). */
  private static final int SHORT_ROWS = 4;
  /** Rows of the tallest tile: sizes the tile buffer. */
  private static final int MAX_MR = 8;
  /** Columns of the register tile: a multiple of the lane count, whatever the vector width. */
  static final int NR = NR_VECTORS * L;
  /** Rows of a B panel filled per pass when packing a transposed B (16 KiB at 16 lanes; 128 beat 32 by ~8 %). */
  private static final int TRANSPOSE_BLOCK = 128;

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc, ForkJoinPool pool) {
    assert GemmGrid.validShape(transA, transB, m, n, k, lda, ldb, ldc) : "bad GEMM shape (the facade checks)";
    if (m == 0 || n == 0) {
      return;
    }
    GemmGrid.gemm(PanamaBlasSupport::gemmSequential, MR, NR, transA, transB, m, n, k, alpha,
        a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, pool);
  }

  /** The single-threaded packed GEMM, with this JVM's blocking. */
  static void gemmSequential(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    gemmBlocked(MR, KC, MC, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /**
   * The single-threaded packed GEMM with register tiles {@code mr} rows tall ({@link GemmTuning#TILE_ROWS}),
   * K slices of {@code kcBlock} and A blocks of {@code mcBlock} rows (a multiple of mr), which also bounds the
   * rows for which B is read in place: the tuner times the choices.
   */
  static void gemmBlocked(int mr, int kcBlock, int mcBlock, boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    if (k == 0 || alpha == 0f) {
      ScalarBlasSupport.scale(m, n, beta, c, cOff, ldc);
      return;
    }
    GemmWorkspace ws = GemmWorkspace.acquire();
    try {
      int kcMax = Math.min(kcBlock, k);
      float[] packedA = ws.packedA(roundUp(Math.min(mcBlock, m), mr) * kcMax);
      float[] packedB = ws.packedB(roundUp(Math.min(NC, n), NR) * kcMax);
      float[] tile = ws.tile(MAX_MR * NR);
      for (int jc = 0; jc < n; jc += NC) {
        int nc = Math.min(NC, n - jc);
        for (int pc = 0; pc < k; pc += kcBlock) {
          int kc = Math.min(kcBlock, k - pc);
          // the first slice applies beta, later ones accumulate onto it
          float sliceBeta = pc == 0 ? beta : 1f;
          // few rows of C: each B panel serves only a few tiles, so full panels of an untransposed B
          // are read in place and only the ragged last panel is packed (unless B's rows alias in cache)
          int direct = !transB && m <= mcBlock && ldb % DIRECT_B_ALIASING_STRIDE != 0 ? nc / NR * NR : 0;
          packB(transB, b, bOff, ldb, pc, jc + direct, kc, nc - direct, packedB);
          for (int ic = 0; ic < m; ic += mcBlock) {
            int mc = Math.min(mcBlock, m - ic);
            packA(mr, transA, a, aOff, lda, ic, pc, mc, kc, packedA);
            macroKernel(mr, mc, nc, kc, alpha, packedA, packedB, b, bOff + pc * ldb + jc, ldb, direct, sliceBeta,
                c, cOff + ic * ldc + jc, ldc, tile);
          }
        }
      }
    } finally {
      ws.release();
    }
  }

  private static int roundUp(int x, int multiple) {
    return (x + multiple - 1) / multiple * multiple;
  }

  /**
   * All register tiles of an mc×nc block of C; the B panel stays in L1 while the A panels stream by.
   * Columns below {@code direct} read B in place (row stride ldb from {@code bAt}), the rest packed.
   */
  private static void macroKernel(int mr, int mc, int nc, int kc, float alpha, float[] packedA, float[] packedB,
      float[] b, int bAt, int ldb, int direct, float beta, float[] c, int cOff, int ldc, float[] tile) {
    for (int jr = 0; jr < nc; jr += NR) {
      int cols = Math.min(NR, nc - jr);
      boolean inPlace = jr < direct;
      float[] panel = inPlace ? b : packedB;
      int bo = inPlace ? bAt + jr : (jr - direct) * kc;
      int bStride = inPlace ? ldb : NR;
      for (int ir = 0; ir < mc; ir += mr) {
        int rows = Math.min(mr, mc - ir);
        int co = cOff + ir * ldc + jr;
        if (rows <= SHORT_ROWS) {
          // a short last panel needs fewer FMAs; same sums, same bits
          microKernel4(kc, mr, packedA, ir * kc, panel, bo, bStride, alpha, beta, c, co, ldc, rows, cols, tile);
        } else if (mr == 8) {
          microKernel8(kc, mr, packedA, ir * kc, panel, bo, bStride, alpha, beta, c, co, ldc, rows, cols, tile);
        } else {
          microKernel6(kc, mr, packedA, ir * kc, panel, bo, bStride, alpha, beta, c, co, ldc, rows, cols, tile);
        }
      }
    }
  }

  /**
   * One 8×NR tile: {@code C = alpha·Σ_p a_p·b_pᵀ + beta·C} over kc packed columns of A (panels {@code mr}
   * floats tall, from {@code ao}) and rows of B (NR floats each, from {@code bo}, {@code bStride} apart);
   * only rows×cols are written.
   */
  private static void microKernel8(int kc, int mr, float[] pa, int ao, float[] pb, int bo, int bStride, float alpha,
      float beta, float[] c, int co, int ldc, int rows, int cols, float[] tile) {
    // accumulators as separate locals: an array of vectors would not stay in registers
    FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
    FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
    FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
    FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
    FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
    FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
    FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
    FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
    for (int p = 0; p < kc; p++, ao += mr, bo += bStride) {
      FloatVector b0 = FloatVector.fromArray(F, pb, bo);
      FloatVector b1 = FloatVector.fromArray(F, pb, bo + L);
      FloatVector x = FloatVector.broadcast(F, pa[ao]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(F, pa[ao + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(F, pa[ao + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(F, pa[ao + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(F, pa[ao + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(F, pa[ao + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
      x = FloatVector.broadcast(F, pa[ao + 6]);
      c60 = x.fma(b0, c60);
      c61 = x.fma(b1, c61);
      x = FloatVector.broadcast(F, pa[ao + 7]);
      c70 = x.fma(b0, c70);
      c71 = x.fma(b1, c71);
    }
    // through the tile buffer: the accumulators never leave the loop's registers otherwise
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + L);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + L);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + L);
    c40.intoArray(tile, 4 * NR);
    c41.intoArray(tile, 4 * NR + L);
    c50.intoArray(tile, 5 * NR);
    c51.intoArray(tile, 5 * NR + L);
    c60.intoArray(tile, 6 * NR);
    c61.intoArray(tile, 6 * NR + L);
    c70.intoArray(tile, 7 * NR);
    c71.intoArray(tile, 7 * NR + L);
    writeBack(tile, alpha, beta, c, co, ldc, rows, cols);
  }

  /**
   * {@link #microKernel8} for a 6-row tile: 12 accumulators, two B vectors and a broadcast fit x86's 16
   * vector registers without AVX-512, where the 8-row tile spills (its 19 live vectors do not).
   */
  private static void microKernel6(int kc, int mr, float[] pa, int ao, float[] pb, int bo, int bStride, float alpha,
      float beta, float[] c, int co, int ldc, int rows, int cols, float[] tile) {
    FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
    FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
    FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
    FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
    FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
    FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
    for (int p = 0; p < kc; p++, ao += mr, bo += bStride) {
      FloatVector b0 = FloatVector.fromArray(F, pb, bo);
      FloatVector b1 = FloatVector.fromArray(F, pb, bo + L);
      FloatVector x = FloatVector.broadcast(F, pa[ao]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(F, pa[ao + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(F, pa[ao + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(F, pa[ao + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(F, pa[ao + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(F, pa[ao + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + L);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + L);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + L);
    c40.intoArray(tile, 4 * NR);
    c41.intoArray(tile, 4 * NR + L);
    c50.intoArray(tile, 5 * NR);
    c51.intoArray(tile, 5 * NR + L);
    writeBack(tile, alpha, beta, c, co, ldc, rows, cols);
  }

  /**
   * A tile of at most {@link #SHORT_ROWS} rows (m = 50: 2 rows left of 8): the first rows of an
   * {@code mr}-tall packed A panel (the rest is zero padding), 8 accumulators; same sums, same bits.
   */
  private static void microKernel4(int kc, int mr, float[] pa, int ao, float[] pb, int bo, int bStride, float alpha,
      float beta, float[] c, int co, int ldc, int rows, int cols, float[] tile) {
    FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
    FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
    FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
    FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
    for (int p = 0; p < kc; p++, ao += mr, bo += bStride) {
      FloatVector b0 = FloatVector.fromArray(F, pb, bo);
      FloatVector b1 = FloatVector.fromArray(F, pb, bo + L);
      FloatVector x = FloatVector.broadcast(F, pa[ao]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(F, pa[ao + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(F, pa[ao + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(F, pa[ao + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + L);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + L);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + L);
    writeBack(tile, alpha, beta, c, co, ldc, rows, cols);
  }

  /** {@code C = alpha·tile + beta·C} on rows×cols of a tile; C is not read when beta is 0. */
  private static void writeBack(float[] tile, float alpha, float beta, float[] c, int co, int ldc,
      int rows, int cols) {
    if (cols == NR) {
      for (int i = 0; i < rows; i++) {
        int ci = co + i * ldc;
        for (int v = 0; v < NR; v += L) {
          FloatVector t = FloatVector.fromArray(F, tile, i * NR + v).mul(alpha);
          if (beta != 0f) {
            t = t.add(FloatVector.fromArray(F, c, ci + v).mul(beta));
          }
          t.intoArray(c, ci + v);
        }
      }
      return;
    }
    for (int i = 0; i < rows; i++) {
      int ci = co + i * ldc;
      for (int j = 0; j < cols; j++) {
        // same operations, same rounding as the vector rows: alpha·acc, then + beta·c
        float t = tile[i * NR + j] * alpha;
        c[ci + j] = beta == 0f ? t : t + c[ci + j] * beta;
      }
    }
  }

  /** The mc×kc block of op(A) at (ic, pc) as mr-tall panels, p-major within a panel, zero-padded. */
  private static void packA(int mr, boolean transA, float[] a, int aOff, int lda, int ic, int pc, int mc, int kc,
      float[] packed) {
    for (int ir = 0; ir < mc; ir += mr) {
      int rows = Math.min(mr, mc - ir);
      int dst = ir * kc;
      if (transA) {
        // A stored k×m: each p contributes mr contiguous floats
        for (int p = 0; p < kc; p++) {
          int src = aOff + (pc + p) * lda + ic + ir;
          int d = dst + p * mr;
          for (int i = 0; i < rows; i++) {
            packed[d + i] = a[src + i];
          }
          for (int i = rows; i < mr; i++) {
            packed[d + i] = 0f;
          }
        }
      } else {
        for (int i = 0; i < rows; i++) {
          int src = aOff + (ic + ir + i) * lda + pc;
          for (int p = 0; p < kc; p++) {
            packed[dst + p * mr + i] = a[src + p];
          }
        }
        for (int i = rows; i < mr; i++) {
          for (int p = 0; p < kc; p++) {
            packed[dst + p * mr + i] = 0f;
          }
        }
      }
    }
  }

  /** The kc×nc block of op(B) at (pc, jc) as NR-wide panels, p-major within a panel, zero-padded. */
  private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int jc, int kc, int nc,
      float[] packed) {
    for (int jr = 0; jr < nc; jr += NR) {
      int cols = Math.min(NR, nc - jr);
      int dst = jr * kc;
      if (!transB && cols == NR) {
        // B stored k×n, a full panel: NR contiguous floats per p, copied a vector at a time
        for (int p = 0; p < kc; p++) {
          int src = bOff + (pc + p) * ldb + jc + jr;
          int d = dst + p * NR;
          for (int v = 0; v < NR; v += L) {
            FloatVector.fromArray(F, b, src + v).intoArray(packed, d + v);
          }
        }
      } else if (!transB) {
        for (int p = 0; p < kc; p++) {
          int src = bOff + (pc + p) * ldb + jc + jr;
          int d = dst + p * NR;
          for (int j = 0; j < cols; j++) {
            packed[d + j] = b[src + j];
          }
          for (int j = cols; j < NR; j++) {
            packed[d + j] = 0f;
          }
        }
      } else {
        // B stored n×k: read its rows (columns of op(B)) contiguously, write with stride NR, 128
        // p at a time so the panel rows being filled stay in L1
        for (int p0 = 0; p0 < kc; p0 += TRANSPOSE_BLOCK) {
          int p1 = Math.min(kc, p0 + TRANSPOSE_BLOCK);
          for (int j = 0; j < cols; j++) {
            int src = bOff + (jc + jr + j) * ldb + pc;
            for (int p = p0; p < p1; p++) {
              packed[dst + p * NR + j] = b[src + p];
            }
          }
        }
        for (int j = cols; j < NR; j++) {
          for (int p = 0; p < kc; p++) {
            packed[dst + p * NR + j] = 0f;
          }
        }
      }
    }
  }
}
