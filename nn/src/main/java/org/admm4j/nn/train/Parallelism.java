package org.admm4j.nn.train;

/** How a {@link Trainer} spreads a batch over threads. */
public enum Parallelism {

  /**
   * The whole batch goes through each layer at once and the kernels (GEMM, im2col, convolution passes)
   * split their work over {@code KernelThreads.pool()}. The result's bits do not depend on the thread
   * count (the kernels split by size, not by threads). The faster mode on the 2-core machine measured
   * (see nn/README.md), and the default.
   */
  KERNELS,

  /**
   * Each of {@code threads} shards runs a contiguous slice of the batch through the whole network with
   * its own buffers and gradients; the gradients are summed in shard order. Same bits for the same
   * thread count; different thread counts differ in rounding (and BatchNorm statistics are per shard).
   */
  DATA
}
