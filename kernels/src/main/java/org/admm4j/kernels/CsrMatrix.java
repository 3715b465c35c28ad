package org.admm4j.kernels;

import java.util.Arrays;
import org.admm4j.kernels.internal.CsrArrays;

/**
 * An immutable sparse matrix in compressed sparse row form: the weights of a pruned layer, W (rows ×
 * cols) = (out × in) for a fully connected layer, (outC × inC·kh·kw) for a convolution. Built once per
 * layer, from a dense row-major matrix ({@link #fromDense}) or from CSR arrays ({@link #of}, which
 * validates them); the kernels of {@link SparseBlas} then read it without further checks.
 */
public final class CsrMatrix {

  private final CsrArrays arrays;

  private CsrMatrix(CsrArrays arrays) {
    this.arrays = arrays;
  }

  /**
   * The non-zero entries of a dense row-major matrix; exact zeros (+0 and −0) are dropped, everything
   * else (NaN included) is kept.
   *
   * @param dense Not modified. rows × cols floats from {@code off}.
   * @throws IllegalArgumentException on negative sizes or a short array
   */
  public static CsrMatrix fromDense(int rows, int cols, float[] dense, int off) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("negative matrix size: " + rows + "×" + cols);
    }
    ArrayChecks.range("dense", dense, off, (long) rows * cols);
    int nnz = 0;
    for (long i = off, end = off + (long) rows * cols; i < end; i++) {
      if (dense[(int) i] != 0f) {
        nnz++;
      }
    }
    int[] rowPtr = new int[rows + 1];
    int[] colIdx = new int[nnz];
    float[] values = new float[nnz];
    int p = 0;
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      for (int c = 0; c < cols; c++) {
        float v = dense[base + c];
        if (v != 0f) {
          colIdx[p] = c;
          values[p++] = v;
        }
      }
      rowPtr[r + 1] = p;
    }
    return new CsrMatrix(withActiveColumns(rows, cols, rowPtr, colIdx, values));
  }

  /** {@link #fromDense(int, int, float[], int)} from offset 0. */
  public static CsrMatrix fromDense(int rows, int cols, float[] dense) {
    return fromDense(rows, cols, dense, 0);
  }

  /**
   * A matrix from CSR arrays, copied after validation: rowPtr has rows + 1 entries, starts at 0, never
   * decreases and ends at nnz = colIdx.length = values.length; every column index lies in [0, cols) and
   * increases strictly within its row.
   *
   * @throws IllegalArgumentException naming the first array entry that breaks a rule
   */
  public static CsrMatrix of(int rows, int cols, int[] rowPtr, int[] colIdx, float[] values) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("negative matrix size: " + rows + "×" + cols);
    }
    if (rowPtr == null || colIdx == null || values == null) {
      throw new IllegalArgumentException("rowPtr, colIdx and values must not be null");
    }
    if (rowPtr.length != rows + 1) {
      throw new IllegalArgumentException("rowPtr has " + rowPtr.length + " entries, expected rows + 1 = "
          + (rows + 1));
    }
    if (colIdx.length != values.length) {
      throw new IllegalArgumentException("colIdx has " + colIdx.length + " entries but values has "
          + values.length);
    }
    if (rowPtr[0] != 0) {
      throw new IllegalArgumentException("rowPtr[0] = " + rowPtr[0] + ", expected 0");
    }
    for (int r = 0; r < rows; r++) {
      if (rowPtr[r + 1] < rowPtr[r]) {
        throw new IllegalArgumentException("rowPtr decreases at row " + r + ": rowPtr[" + r + "] = "
            + rowPtr[r] + " > rowPtr[" + (r + 1) + "] = " + rowPtr[r + 1]);
      }
      if (rowPtr[r + 1] > colIdx.length) {
        throw new IllegalArgumentException("rowPtr[" + (r + 1) + "] = " + rowPtr[r + 1]
            + " exceeds the " + colIdx.length + " stored entries");
      }
    }
    if (rowPtr[rows] != colIdx.length) {
      throw new IllegalArgumentException("rowPtr[" + rows + "] = " + rowPtr[rows] + " but " + colIdx.length
          + " entries are stored");
    }
    for (int r = 0; r < rows; r++) {
      for (int p = rowPtr[r]; p < rowPtr[r + 1]; p++) {
        int c = colIdx[p];
        if (c < 0 || c >= cols) {
          throw new IllegalArgumentException("colIdx[" + p + "] = " + c + " (row " + r + ") is outside [0, "
              + cols + ")");
        }
        if (p > rowPtr[r] && c <= colIdx[p - 1]) {
          throw new IllegalArgumentException("colIdx[" + p + "] = " + c + " (row " + r
              + ") does not increase over the previous column " + colIdx[p - 1]);
        }
      }
    }
    return new CsrMatrix(withActiveColumns(rows, cols, rowPtr.clone(), colIdx.clone(), values.clone()));
  }

  /** Adds the active-column list and the compact column indices the gather and im2col steps use. */
  private static CsrArrays withActiveColumns(int rows, int cols, int[] rowPtr, int[] colIdx, float[] values) {
    int[] position = new int[cols];
    Arrays.fill(position, -1);
    for (int c : colIdx) {
      position[c] = 0;
    }
    int active = 0;
    for (int c = 0; c < cols; c++) {
      if (position[c] == 0) {
        position[c] = active++;
      }
    }
    int[] activeCols = new int[active];
    for (int c = 0; c < cols; c++) {
      if (position[c] >= 0) {
        activeCols[position[c]] = c;
      }
    }
    int[] compact = new int[colIdx.length];
    for (int p = 0; p < colIdx.length; p++) {
      compact[p] = position[colIdx[p]];
    }
    return new CsrArrays(rows, cols, rowPtr, colIdx, values, activeCols, compact);
  }

  /** Rows of W. */
  public int rows() {
    return arrays.rows();
  }

  /** Columns of W. */
  public int cols() {
    return arrays.cols();
  }

  /** Stored (non-zero) entries. */
  public int nonZeros() {
    return arrays.nonZeros();
  }

  /** Stored entries over rows·cols; 0 for an empty matrix. */
  public double density() {
    long size = (long) rows() * cols();
    return size == 0 ? 0 : (double) nonZeros() / size;
  }

  /** Columns that hold at least one entry (the inputs the layer actually reads). */
  public int activeColumns() {
    return arrays.activeCols().length;
  }

  /** A copy of the row pointers (rows + 1 entries). */
  public int[] rowPointers() {
    return arrays.rowPtr().clone();
  }

  /** A copy of the column indices (nnz entries). */
  public int[] columnIndices() {
    return arrays.colIdx().clone();
  }

  /** A copy of the stored values (nnz entries). */
  public float[] values() {
    return arrays.values().clone();
  }

  /**
   * Writes W as a dense row-major matrix.
   *
   * @param out Modified. rows × cols floats from off, zeros where nothing is stored.
   */
  public void toDense(float[] out, int off) {
    ArrayChecks.range("out", out, off, (long) rows() * cols());
    Arrays.fill(out, off, off + rows() * cols(), 0f);
    int[] rowPtr = arrays.rowPtr(), colIdx = arrays.colIdx();
    float[] values = arrays.values();
    for (int r = 0; r < rows(); r++) {
      for (int p = rowPtr[r]; p < rowPtr[r + 1]; p++) {
        out[off + r * cols() + colIdx[p]] = values[p];
      }
    }
  }

  CsrArrays arrays() {
    return arrays;
  }

  @Override
  public String toString() {
    return "CsrMatrix[" + rows() + "×" + cols() + ", " + nonZeros() + " non-zeros]";
  }
}
