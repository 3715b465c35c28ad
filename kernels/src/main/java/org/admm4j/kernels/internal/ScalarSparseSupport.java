package org.admm4j.kernels.internal;

import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.KernelParameters;

/**
 * Plain-Java sparse products, and the data movement around them that both implementations share.
 *
 * <p>Batched fully connected layers ({@link #linear}) come in two variants. Below
 * {@link #transposedMinBatch()} samples ({@link KernelParameters#SPARSE_LINEAR_TRANSPOSED_MIN_BATCH} here,
 * one vector of samples in the Vector API kernels) each sample is one {@link #spmv} (a gather per non-zero). From there on the active input columns are gathered once into a transposed
 * block Xᵀ [active × batch], so that each non-zero W[r][c] becomes an axpy of the contiguous row c of Xᵀ
 * into row r of Yᵀ, a loop over the batch that vectorises; Yᵀ is transposed back with the bias added.
 * Convolutions build the im2col rows of the active filter taps only, then run the same {@link #spmm}.
 */
class ScalarSparseSupport implements SparseSupport {

  @Override
  public void spmv(CsrArrays w, float[] x, int xOff, float[] bias, float[] y, int yOff) {
    int[] rowPtr = w.rowPtr(), colIdx = w.colIdx();
    float[] values = w.values();
    for (int r = 0, rows = w.rows(); r < rows; r++) {
      y[yOff + r] = (bias == null ? 0f : bias[r]) + rowDot(values, colIdx, rowPtr[r], rowPtr[r + 1], x, xOff);
    }
  }

  /** {@code Σ_{p∈[from,to)} values[p]·x[xOff + colIdx[p]]}, two accumulators to shorten the add chain. */
  static float rowDot(float[] values, int[] colIdx, int from, int to, float[] x, int xOff) {
    float s0 = 0f, s1 = 0f;
    int p = from;
    for (; p + 1 < to; p += 2) {
      s0 += values[p] * x[xOff + colIdx[p]];
      s1 += values[p + 1] * x[xOff + colIdx[p + 1]];
    }
    if (p < to) {
      s0 += values[p] * x[xOff + colIdx[p]];
    }
    return s0 + s1;
  }

  @Override
  public void spmm(CsrArrays w, int[] index, int n, float[] b, int bOff, int ldb, float[] bias, float[] c,
      int cOff, int ldc) {
    int[] rowPtr = w.rowPtr();
    float[] values = w.values();
    for (int r = 0, rows = w.rows(); r < rows; r++) {
      int cRow = cOff + r * ldc;
      float b0 = bias == null ? 0f : bias[r];
      for (int j = 0; j < n; j++) {
        c[cRow + j] = b0;
      }
      for (int p = rowPtr[r], end = rowPtr[r + 1]; p < end; p++) {
        float v = values[p];
        int bRow = bOff + index[p] * ldb;
        for (int j = 0; j < n; j++) {
          c[cRow + j] += v * b[bRow + j];
        }
      }
    }
  }

  @Override
  public long linearWorkspaceSize(CsrArrays w, int batch) {
    if (batch < transposedMinBatch()) {
      return 0;
    }
    return ((long) w.activeCols().length + w.rows()) * batch;
  }

  /** Smallest batch {@link #linear} runs in the transposed layout. */
  int transposedMinBatch() {
    return KernelParameters.SPARSE_LINEAR_TRANSPOSED_MIN_BATCH;
  }

  @Override
  public void linear(CsrArrays w, int batch, float[] x, float[] bias, float[] y, float[] workspace) {
    int rows = w.rows(), cols = w.cols();
    if (batch < transposedMinBatch()) {
      for (int s = 0; s < batch; s++) {
        spmv(w, x, s * cols, bias, y, s * rows);
      }
      return;
    }
    // gather: Xᵀ [active × batch] at workspace[0], only the input columns some weight reads
    int[] active = w.activeCols();
    for (int k = 0; k < active.length; k++) {
      int col = active[k], row = k * batch;
      for (int s = 0; s < batch; s++) {
        workspace[row + s] = x[s * cols + col];
      }
    }
    // Yᵀ [rows × batch] = W·Xᵀ, after Xᵀ in the workspace
    int yt = active.length * batch;
    spmm(w, w.compactColIdx(), batch, workspace, 0, batch, null, workspace, yt, batch);
    // Y = (Yᵀ)ᵀ + bias
    for (int s = 0; s < batch; s++) {
      int yRow = s * rows;
      for (int r = 0; r < rows; r++) {
        y[yRow + r] = workspace[yt + r * batch + s] + (bias == null ? 0f : bias[r]);
      }
    }
  }

  @Override
  public long convWorkspaceSize(CsrArrays w, ConvShape shape) {
    return (long) w.activeCols().length * shape.outHeight() * shape.outWidth();
  }

  @Override
  public void convForward(CsrArrays w, ConvShape s, int batch, float[] x, float[] bias, float[] y,
      float[] workspace) {
    int pixels = s.outHeight() * s.outWidth();
    int inImage = s.inChannels() * s.inHeight() * s.inWidth();
    int outImage = s.outChannels() * pixels;
    for (int img = 0; img < batch; img++) {
      im2colActive(s, w.activeCols(), x, img * inImage, workspace);
      spmm(w, w.compactColIdx(), pixels, workspace, 0, pixels, bias, y, img * outImage, pixels);
    }
  }

  @Override
  public long convShiftedWorkspaceSize(CsrArrays shifted, ConvShape s) {
    long padded = s.padding() == 0 ? 0
        : (long) s.inChannels() * (s.inHeight() + 2 * s.padding()) * (s.inWidth() + 2 * s.padding());
    return (long) shifted.rows() * shiftedRun(s) + padded;
  }

  /** Outputs per channel in the shifted layout: oh − 1 rows of the padded width Wp, then ow. */
  static int shiftedRun(ConvShape s) {
    return (s.outHeight() - 1) * (s.inWidth() + 2 * s.padding()) + s.outWidth();
  }

  @Override
  public void convForwardShifted(CsrArrays shifted, ConvShape s, int batch, float[] x, float[] bias, float[] y,
      float[] workspace) {
    assert s.stride() == 1;
    int oh = s.outHeight(), ow = s.outWidth(), pad = s.padding();
    int h = s.inHeight(), wd = s.inWidth(), hp = h + 2 * pad, wp = wd + 2 * pad;
    int run = shiftedRun(s), rows = shifted.rows();
    int inImage = s.inChannels() * h * wd, outImage = rows * oh * ow;
    int padAt = rows * run;
    for (int img = 0; img < batch; img++) {
      // the image, zero-padded into the workspace when the layer pads
      float[] src = x;
      int srcOff = img * inImage;
      if (pad > 0) {
        java.util.Arrays.fill(workspace, padAt, padAt + s.inChannels() * hp * wp, 0f);
        for (int c = 0; c < s.inChannels(); c++) {
          for (int r = 0; r < h; r++) {
            System.arraycopy(x, srcOff + (c * h + r) * wd, workspace, padAt + (c * hp + r + pad) * wp + pad, wd);
          }
        }
        src = workspace;
        srcOff = padAt;
      }
      // Y' [rows × run] = W·(shifted runs of the image); columns j ≥ ow of each output row are unused
      spmm(shifted, shifted.colIdx(), run, src, srcOff, 1, bias, workspace, 0, run);
      // crop: y[img][o][i][j] = Y'[o][i·Wp + j]
      int out = img * outImage;
      for (int o = 0; o < rows; o++) {
        for (int i = 0; i < oh; i++) {
          System.arraycopy(workspace, o * run + i * wp, y, out, ow);
          out += ow;
        }
      }
    }
  }

  /**
   * cols[k][i·ow + j] = x[c][i·stride − pad + p][j·stride − pad + q] (0 outside the image) for each active
   * filter tap k = (c, p, q): the rows of the im2col matrix that some non-zero weight reads.
   */
  static void im2colActive(ConvShape s, int[] active, float[] x, int xOff, float[] cols) {
    int kh = s.kernelHeight(), kw = s.kernelWidth(), oh = s.outHeight(), ow = s.outWidth();
    int h = s.inHeight(), wd = s.inWidth(), stride = s.stride(), pad = s.padding();
    int out = 0;
    for (int tap : active) {
      int c = tap / (kh * kw), p = tap / kw % kh, q = tap % kw;
      int plane = xOff + c * h * wd;
      for (int i = 0; i < oh; i++) {
        int r = i * stride - pad + p;
        if (r < 0 || r >= h) {
          for (int j = 0; j < ow; j++) {
            cols[out++] = 0f;
          }
          continue;
        }
        int rowBase = plane + r * wd;
        if (stride == 1 && pad == 0) {
          // contiguous: the whole output row reads x[r][q .. q + ow)
          System.arraycopy(x, rowBase + q, cols, out, ow);
          out += ow;
          continue;
        }
        for (int j = 0; j < ow; j++) {
          int col = j * stride - pad + q;
          cols[out++] = col < 0 || col >= wd ? 0f : x[rowBase + col];
        }
      }
    }
  }
}
