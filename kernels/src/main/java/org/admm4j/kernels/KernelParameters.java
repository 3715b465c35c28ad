package org.admm4j.kernels;

/** Tuning thresholds of the kernel facades, in one place. */
public final class KernelParameters {

  /** SGEMM runs on the pool when m·n·k reaches this many multiply-adds; smaller products stay on the caller's thread. */
  public static final long GEMM_PARALLEL_FLOPS = 1L << 21;

  /** Top-k projection runs on the pool from this many elements on. */
  public static final int PROJECTION_PARALLEL_ELEMENTS = 1 << 20;

  /**
   * Longest patch (inChannels·kernelHeight·kernelWidth) for which the Vector API forward convolution uses
   * the direct kernel instead of im2col + GEMM (stride 1, no padding only); see kernels/README.md.
   */
  public static final int CONV_DIRECT_MAX_PATCH = 64;

  private KernelParameters() {}
}
