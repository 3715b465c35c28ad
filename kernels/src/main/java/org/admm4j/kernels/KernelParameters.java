package org.admm4j.kernels;

/** Tuning thresholds of the kernel facades, in one place. */
public final class KernelParameters {

  /** SGEMM runs on the pool when m·n·k reaches this many multiply-adds; smaller products stay on the caller's thread. */
  public static final long GEMM_PARALLEL_FLOPS = 1L << 21;

  /** Top-k projection runs on the pool from this many elements on. */
  public static final int PROJECTION_PARALLEL_ELEMENTS = 1 << 20;

  /**
   * Batched sparse fully connected layers switch from one gathered SpMV per sample to the transposed
   * layout (one contiguous axpy over the batch per non-zero) from this batch size on. Measured with
   * {@code SparseBlasBenchmark.linear*} (fc1 of LeNet-5, 500×800, densities 0.01–0.1): below 4
   * samples the transposes cost more than the gathers they save.
   */
  public static final int SPARSE_LINEAR_TRANSPOSED_MIN_BATCH = 4;

  /**
   * A fully connected layer runs the sparse kernels when at most this fraction of its weights is
   * non-zero, the dense SGEMM otherwise. Measured with {@code SparseBlasBenchmark} (sparse against
   * {@code Blas.gemm} at densities 0.01–1 on fc-sized matrices, batch 1 and 64): the crossing point, with
   * a margin towards dense, which keeps improving as the SGEMM does.
   */
  public static final double SPARSE_LINEAR_MAX_DENSITY = 0.3;

  /**
   * A convolution runs the sparse im2col path when at most this fraction of its filter weights is
   * non-zero. Measured like {@link #SPARSE_LINEAR_MAX_DENSITY} on LeNet-5's conv2 (50×20×5×5, 12×12 input)
   * against {@code Convolution.forward}.
   */
  public static final double SPARSE_CONV_MAX_DENSITY = 0.3;

  private KernelParameters() {}
}
