package org.admm4j.kernels.internal;

import org.admm4j.kernels.ConvShape;

/**
 * Products of a sparse weight matrix W (CSR, rows × cols) with dense activations: the inference path of
 * pruned fully connected and convolutional layers. Every method overwrites its output (NaN included),
 * reads W through {@link CsrArrays}, allocates nothing and runs on the calling thread; bias may be null.
 */
public interface SparseSupport {

  /** {@code y[yOff + r] = bias[r] + Σ_p values[p]·x[xOff + colIdx[p]]} over row r's entries. */
  void spmv(CsrArrays w, float[] x, int xOff, float[] bias, float[] y, int yOff);

  /**
   * {@code C[r][j] = bias[r] + Σ_p values[p]·B[index[p]][j]} for j &lt; n, with B's rows at
   * {@code bOff + k·ldb} and C's at {@code cOff + r·ldc}; index is {@code w.colIdx()} or
   * {@code w.compactColIdx()} (then B holds only the active rows).
   */
  void spmm(CsrArrays w, int[] index, int n, float[] b, int bOff, int ldb, float[] bias, float[] c, int cOff,
      int ldc);

  /** Floats of workspace {@link #linear} needs for {@code batch} samples. */
  long linearWorkspaceSize(CsrArrays w, int batch);

  /** {@code Y[s][r] = bias[r] + Σ_c W[r][c]·X[s][c]} for s &lt; batch, X (batch × cols) and Y (batch × rows) row-major. */
  void linear(CsrArrays w, int batch, float[] x, float[] bias, float[] y, float[] workspace);

  /** Floats of workspace {@link #convForward} needs for one image of {@code shape}. */
  long convWorkspaceSize(CsrArrays w, ConvShape shape);

  /**
   * {@code y = conv(x, W) + bias} over {@code batch} NCHW images (shape's own batch is ignored) with W the
   * [outC × inC·kh·kw] filter matrix.
   */
  void convForward(CsrArrays w, ConvShape shape, int batch, float[] x, float[] bias, float[] y, float[] workspace);

  /**
   * The same convolution for stride 1 without im2col: {@code shifted} holds W's entries with each column
   * replaced by the tap's offset {@code c·Hp·Wp + p·Wp + q} in the (zero-padded, Hp × Wp) input image, so
   * that output row i of every channel is an axpy of the contiguous input run starting there; workspace:
   * {@link #convShiftedWorkspaceSize}.
   */
  void convForwardShifted(CsrArrays shifted, ConvShape shape, int batch, float[] x, float[] bias, float[] y,
      float[] workspace);

  /** Floats of workspace {@link #convForwardShifted} needs. */
  long convShiftedWorkspaceSize(CsrArrays shifted, ConvShape shape);
}
