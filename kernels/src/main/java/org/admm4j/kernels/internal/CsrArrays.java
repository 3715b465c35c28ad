package org.admm4j.kernels.internal;

/**
 * The arrays behind a validated {@link org.admm4j.kernels.CsrMatrix}, as the sparse kernels read them.
 * Internal: the kernels trust these arrays (they only {@code assert}); {@code CsrMatrix} checks them once.
 *
 * @param rows rows of W (output features or channels)
 * @param cols columns of W (input features, or inChannels·kernelHeight·kernelWidth)
 * @param rowPtr (rows + 1) offsets into colIdx/values; row r holds entries [rowPtr[r], rowPtr[r+1])
 * @param colIdx (nnz) column of each entry, strictly increasing within a row
 * @param values (nnz) the non-zero weights
 * @param activeCols (active) the distinct columns holding at least one entry, ascending: only these
 *     rows of the dense operand are ever read, so the gather and im2col steps build only them
 * @param compactColIdx (nnz) colIdx[p]'s position in activeCols
 */
public record CsrArrays(int rows, int cols, int[] rowPtr, int[] colIdx, float[] values, int[] activeCols,
    int[] compactColIdx) {

  /** Number of stored entries. */
  public int nonZeros() {
    return values.length;
  }
}
