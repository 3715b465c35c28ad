package org.admm4j.kernels;

/** Tuning thresholds of the kernel facades, in one place. */
public final class KernelParameters {

  /** SGEMM runs on the pool when m·n·k reaches this many multiply-adds; smaller products stay on the caller's thread. */
  public static final long GEMM_PARALLEL_FLOPS = 1L << 21;

  /** Top-k projection runs on the pool from this many elements on. */
  public static final int PROJECTION_PARALLEL_ELEMENTS = 1 << 20;

  /**
   * Max-pooling splits its planes over the pool in tasks of about this many outputs (LeNet-5 at batch 64:
   * pool1's 184,320 outputs in 12 tasks, pool2's 51,200 in 4); less work than two tasks runs inline.
   */
  public static final int POOL_TASK_OUTPUTS = 16_384;

  /**
   * Longest patch (inChannels·kernelHeight·kernelWidth) for which the Vector API forward convolution uses
   * the direct kernel instead of im2col + GEMM (stride 1, no padding only); see kernels/README.md.
   */
  public static final int CONV_DIRECT_MAX_PATCH = 64;

  /**
   * Batched sparse fully connected layers on the plain-Java kernels switch from one SpMV per sample to the
   * transposed layout (one axpy over the batch per non-zero) from this batch size on; the Vector API
   * kernels switch once the batch fills one vector (16 samples at 512 bits, 8 at 256). Measured by thread
   * CPU time on LeNet-5's fc1 (500×800) and LeNet-300-100's fc1 (300×784) at densities 0.02–0.3, batches
   * 2–32, JDK 17, Zen 4: plain Java breaks even at 16 samples and gains 10–25% at 32; with vectors the
   * transposed layout is 3.5–5× faster from one vector of samples on.
   */
  public static final int SPARSE_LINEAR_TRANSPOSED_MIN_BATCH = 16;

  /**
   * A fully connected layer runs the sparse kernels when at most this fraction of its weights is
   * non-zero, the dense SGEMM otherwise. Measured by thread CPU time (one thread, JDK 17, Zen 4, 512-bit
   * vectors) on LeNet-5's fc1, 500×800, against the packed SGEMM: at batch 1 sparse wins at every density
   * (1.3× even dense, the SGEMM packs W per call); at batch 64 it breaks even near 0.35 (1.17× at 0.3,
   * 0.73× at 0.5).
   */
  public static final double SPARSE_LINEAR_MAX_DENSITY = 0.3;

  /**
   * A convolution runs the sparse im2col path when at most this fraction of its filter weights is
   * non-zero. Measured like {@link #SPARSE_LINEAR_MAX_DENSITY} on LeNet-5's conv1 (20×1×5×5 on 28×28) and
   * conv2 (50×20×5×5 on 12×12) against {@code Convolution.forward}: at batch 1 sparse breaks even near
   * 0.45 (1.3× faster at 0.3, 0.9× at 0.5), at batch 64 near 0.5 (conv1) and 0.7 (conv2).
   */
  public static final double SPARSE_CONV_MAX_DENSITY = 0.4;

  /**
   * Stride-1 sparse convolutions skip im2col ({@code SparseConvolution}'s shifted runs) when at most this
   * fraction of the filter weights is non-zero. Measured by thread CPU time on LeNet-5's conv2 at batch 1:
   * shifted 3.3/13.3/26.0/37.6 µs against im2col 8.6/17.2/22.8/28.4 µs at densities 0.02/0.1/0.2/0.3
   * (even near 0.15; conv1, with one input channel, is even from 0.1 to 0.3).
   */
  public static final double SPARSE_CONV_SHIFTED_MAX_DENSITY = 0.15;

  /**
   * Floats of transformed inputs and products ({@code 16·(inC + outC)} per tile) that one block of
   * {@code WinogradConvolution} tiles may occupy: 1 MiB, so that a block stays in L2 between its input
   * transform, its 16 products and its output transform (196 tiles for 32→32 channels, whole tile rows).
   */
  public static final long WINOGRAD_BLOCK_FLOATS = 1L << 18;

  /**
   * {@code WinogradConvolution.prefers} a 3×3 stride-1 layer over {@code Convolution.forward} from this
   * many input channels on; with fewer, the transforms and the 16 product planes (4× the output) cost
   * more than the products save. Measured on one thread, JDK 17, AVX-512 Xeon (kernels/README.md): at
   * batch 1 Winograd takes 3.6× im2col's time with 1 input channel (1→32 at 28×28), 2.4× with 3 and 1.5×
   * with 8 (→16 at 32×32), and wins from 16 on (1.1× at 16→16, 2–3× at 32 and 64).
   */
  public static final int WINOGRAD_MIN_IN_CHANNELS = 16;

  private KernelParameters() {}
}
