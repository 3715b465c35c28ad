package org.admm4j.nn.train;

/** How a {@link Trainer} spreads a batch over threads. */
public enum Parallelism {

  /**
   * The whole batch goes through each layer at once and the kernels (GEMM, im2col, convolution passes)
   * split their work over {@code KernelThreads.pool()}. The result's bits do not depend on the thread
   * count (the kernels split by size, not by threads). Slower on 2 cores: LeNet-5's layers are too
   * small for every kernel to split well (see nn/README.md).
   */
  KERNELS,

  /**
   * Each of {@code threads} shards runs a contiguous slice of the batch through the whole network with
   * its own buffers and gradients; the gradients are summed in shard order. Same bits for the same
   * thread count; different thread counts differ in rounding (and BatchNorm statistics are per shard).
   * Kernels inside a shard run on the shard's thread. The default: on the 2-core machine LeNet-5 at batch
   * 64 trains about 1.6× faster this way than with {@link #KERNELS}.
   */
  DATA
}
