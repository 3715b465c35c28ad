package org.admm4j.kernels.internal;

import static org.admm4j.kernels.internal.PanamaConstants.FLOATS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API sparse products. {@link #spmm} keeps a 4-vector strip of an output row in registers while it
 * walks the row's non-zeros (one broadcast and four loads + FMAs per non-zero), so each output element is
 * stored once. {@link #spmv} gathers x only for rows long enough to fill two vectors: pruned rows are
 * usually a handful of entries, where the scalar two-accumulator loop is faster than a gather.
 * The batched and convolution paths are the scalar class's, calling these two kernels.
 */
final class PanamaSparseSupport extends ScalarSparseSupport {

  private static final int LANES = FLOATS.length();

  /**
   * The transposed layout pays once the batch fills a vector (below that spmm runs its scalar tail only);
   * see {@code KernelParameters.SPARSE_LINEAR_TRANSPOSED_MIN_BATCH}.
   */
  @Override
  int transposedMinBatch() {
    return LANES;
  }

  @Override
  public void spmv(CsrArrays w, float[] x, int xOff, float[] bias, float[] y, int yOff) {
    int[] rowPtr = w.rowPtr(), colIdx = w.colIdx();
    float[] values = w.values();
    for (int r = 0, rows = w.rows(); r < rows; r++) {
      int from = rowPtr[r], to = rowPtr[r + 1];
      float sum;
      if (to - from >= 2 * LANES) {
        int bound = from + FLOATS.loopBound(to - from);
        // vector part: gather, then the scalar tail
        sum = gatherDotBody(values, colIdx, from, bound, x, xOff) + rowDot(values, colIdx, bound, to, x, xOff);
      } else {
        sum = rowDot(values, colIdx, from, to, x, xOff);
      }
      y[yOff + r] = (bias == null ? 0f : bias[r]) + sum;
    }
  }

  private static float gatherDotBody(float[] values, int[] colIdx, int from, int bound, float[] x, int xOff) {
    FloatVector acc0 = FloatVector.zero(FLOATS), acc1 = FloatVector.zero(FLOATS);
    int p = from;
    for (; p + 2 * LANES <= bound; p += 2 * LANES) {
      acc0 = FloatVector.fromArray(FLOATS, x, xOff, colIdx, p)
          .fma(FloatVector.fromArray(FLOATS, values, p), acc0);
      acc1 = FloatVector.fromArray(FLOATS, x, xOff, colIdx, p + LANES)
          .fma(FloatVector.fromArray(FLOATS, values, p + LANES), acc1);
    }
    if (p < bound) {
      acc0 = FloatVector.fromArray(FLOATS, x, xOff, colIdx, p)
          .fma(FloatVector.fromArray(FLOATS, values, p), acc0);
    }
    // reduce once, after the loop
    return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
  }

  @Override
  public void spmm(CsrArrays w, int[] index, int n, float[] b, int bOff, int ldb, float[] bias, float[] c,
      int cOff, int ldc) {
    int[] rowPtr = w.rowPtr();
    float[] values = w.values();
    int strip = 4 * LANES;
    int stripBound = n - n % strip;
    int vectorBound = FLOATS.loopBound(n);
    for (int r = 0, rows = w.rows(); r < rows; r++) {
      int from = rowPtr[r], to = rowPtr[r + 1];
      int cRow = cOff + r * ldc;
      float b0 = bias == null ? 0f : bias[r];
      int j = 0;
      for (; j < stripBound; j += strip) {
        stripBody(values, index, from, to, b, bOff + j, ldb, b0, c, cRow + j);
      }
      for (; j < vectorBound; j += LANES) {
        vectorBody(values, index, from, to, b, bOff + j, ldb, b0, c, cRow + j);
      }
      if (j < n && n >= LANES) {
        // vector tail: one more vector ending at column n, overlapping columns already written; they are
        // recomputed in the same order, so they get the same bits
        vectorBody(values, index, from, to, b, bOff + n - LANES, ldb, b0, c, cRow + n - LANES);
      } else if (j < n) {
        // scalar tail (n < lanes), row-wise so that each non-zero reads a contiguous run
        for (int jj = j; jj < n; jj++) {
          c[cRow + jj] = b0;
        }
        for (int p = from; p < to; p++) {
          float v = values[p];
          int bRow = bOff + index[p] * ldb;
          for (int jj = j; jj < n; jj++) {
            c[cRow + jj] += v * b[bRow + jj];
          }
        }
      }
    }
  }

  /** c[cAt .. cAt + 4·lanes) = b0 + Σ_p values[p]·b[bAt + index[p]·ldb ..]: four accumulators in registers. */
  private static void stripBody(float[] values, int[] index, int from, int to, float[] b, int bAt, int ldb,
      float b0, float[] c, int cAt) {
    FloatVector acc0 = FloatVector.broadcast(FLOATS, b0);
    FloatVector acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (int p = from; p < to; p++) {
      FloatVector v = FloatVector.broadcast(FLOATS, values[p]);
      int at = bAt + index[p] * ldb;
      acc0 = FloatVector.fromArray(FLOATS, b, at).fma(v, acc0);
      acc1 = FloatVector.fromArray(FLOATS, b, at + LANES).fma(v, acc1);
      acc2 = FloatVector.fromArray(FLOATS, b, at + 2 * LANES).fma(v, acc2);
      acc3 = FloatVector.fromArray(FLOATS, b, at + 3 * LANES).fma(v, acc3);
    }
    acc0.intoArray(c, cAt);
    acc1.intoArray(c, cAt + LANES);
    acc2.intoArray(c, cAt + 2 * LANES);
    acc3.intoArray(c, cAt + 3 * LANES);
  }

  /** One vector of an output row: the strip's loop with a single accumulator. */
  private static void vectorBody(float[] values, int[] index, int from, int to, float[] b, int bAt, int ldb,
      float b0, float[] c, int cAt) {
    FloatVector acc = FloatVector.broadcast(FLOATS, b0);
    for (int p = from; p < to; p++) {
      acc = FloatVector.fromArray(FLOATS, b, bAt + index[p] * ldb)
          .fma(FloatVector.broadcast(FLOATS, values[p]), acc);
    }
    acc.intoArray(c, cAt);
  }
}
