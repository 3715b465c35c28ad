package org.admm4j.kernels.internal;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Runs a GEMM on a ForkJoin pool by cutting C into a grid of at most {@code parallelism} rectangles,
 * each computed by the sequential kernel on its own rows and columns of A, B and C (disjoint writes,
 * nothing to reduce). Cuts fall on register-tile boundaries; every C element still sums over K in the
 * same order, in the same KC slices, so the bits do not depend on the grid or the pool size.
 *
 * <p>A grid of r×c rectangles packs each A row block c times and each B column block r times; the
 * grid picked is the one that uses the most workers at the least repacking (e.g. 1×2 when m ≤ n).
 */
final class GemmGrid {

  /** A single-threaded GEMM on a sub-problem (same contract as {@link BlasSupport#gemm}, no pool). */
  interface SequentialGemm {
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
        float beta, float[] c, int cOff, int ldc);
  }

  private GemmGrid() {}

  /** Non-negative sizes and leading dimensions at least the stored row lengths (for asserts). */
  static boolean validShape(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc) {
    return m >= 0 && n >= 0 && k >= 0 && lda >= Math.max(1, transA ? m : k)
        && ldb >= Math.max(1, transB ? k : n) && ldc >= Math.max(1, n);
  }

  /**
   * {@code C = alpha·op(A)·op(B) + beta·C} on {@code pool} (sequential when null or one worker), with
   * row cuts at multiples of {@code rowAlign} and column cuts at multiples of {@code colAlign}.
   */
  static void gemm(SequentialGemm kernel, int rowAlign, int colAlign, boolean transA, boolean transB,
      int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc, ForkJoinPool pool) {
    int workers = pool == null ? 1 : pool.getParallelism();
    int rowTiles = (m + rowAlign - 1) / rowAlign;
    int colTiles = (n + colAlign - 1) / colAlign;
    int bestRows = 1, bestCols = 1;
    long bestCost = Long.MAX_VALUE;
    for (int r = 1; r <= Math.min(workers, rowTiles); r++) {
      int cols = Math.min(workers / r, colTiles);
      // more rectangles first, then the least repacking of A (c-1)·m·k and B (r-1)·n·k
      long cost = -(long) r * cols * (1L << 40) + (long) (cols - 1) * m + (long) (r - 1) * n;
      if (cost < bestCost) {
        bestCost = cost;
        bestRows = r;
        bestCols = cols;
      }
    }
    if (bestRows * bestCols <= 1) {
      kernel.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    Job job = new Job(kernel, bestRows, bestCols, rowTiles, colTiles, rowAlign, colAlign, transA, transB,
        m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    pool.invoke(new Rectangles(job, 0, bestRows * bestCols));
  }

  /** The arguments of one parallel GEMM and its grid, shared by all its tasks. */
  private record Job(SequentialGemm kernel, int gridRows, int gridCols, int rowTiles, int colTiles,
      int rowAlign, int colAlign, boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {

    /** Computes rectangle {@code index} (row-major over the grid) on the current thread. */
    void run(int index) {
      int gr = index / gridCols, gc = index % gridCols;
      int i0 = Math.min(m, rowTiles * gr / gridRows * rowAlign);
      int i1 = Math.min(m, rowTiles * (gr + 1) / gridRows * rowAlign);
      int j0 = Math.min(n, colTiles * gc / gridCols * colAlign);
      int j1 = Math.min(n, colTiles * (gc + 1) / gridCols * colAlign);
      if (i0 >= i1 || j0 >= j1) {
        return;
      }
      int subA = aOff + (transA ? i0 : i0 * lda);
      int subB = bOff + (transB ? j0 * ldb : j0);
      kernel.gemm(transA, transB, i1 - i0, j1 - j0, k, alpha, a, subA, lda, b, subB, ldb,
          beta, c, cOff + i0 * ldc + j0, ldc);
    }
  }

  /** Rectangles [lo, hi) of a job's grid, halved until one is left. */
  private static final class Rectangles extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient Job job;
    private final int lo, hi;

    Rectangles(Job job, int lo, int hi) {
      this.job = job;
      this.lo = lo;
      this.hi = hi;
    }

    @Override
    protected void compute() {
      if (hi - lo == 1) {
        job.run(lo);
        return;
      }
      int mid = (lo + hi) >>> 1;
      invokeAll(new Rectangles(job, lo, mid), new Rectangles(job, mid, hi));
    }
  }
}
