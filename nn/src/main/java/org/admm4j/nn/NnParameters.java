package org.admm4j.nn;

/** Tuning thresholds of the training stack, in one place. */
public final class NnParameters {

  /**
   * Floats per task when the trainer sums the shards' gradients and when an optimizer updates its
   * tensors on the pool: big enough that a task costs far more than its scheduling (~10 µs of memory
   * traffic), small enough that LeNet-5's 400,000-weight fc1 splits over many threads.
   */
  public static final int PARALLEL_BLOCK_FLOATS = 1 << 15;

  /** Optimizers update on the pool from this many parameters on; smaller models stay on the caller's thread. */
  public static final int PARALLEL_OPTIMIZER_MIN_FLOATS = 1 << 17;

  /**
   * Samples per forward call when a trainer measures accuracy (over all shards): big products keep
   * the kernels busy; LeNet-5 needs about 50 MB of buffers for 256.
   */
  public static final int EVAL_BATCH = 256;

  private NnParameters() {}
}
