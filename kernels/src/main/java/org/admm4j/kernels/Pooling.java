package org.admm4j.kernels;

import org.admm4j.kernels.internal.ConvolutionSupport;
import org.admm4j.kernels.internal.KernelProvider;

/**
 * 2-D max-pooling over NCHW tensors (see {@link PoolShape}), split by planes over {@link KernelThreads#pool()};
 * the results are the same bits for any pool size.
 */
public final class Pooling {

  private static final ConvolutionSupport IMPL = KernelProvider.getInstance().convolution();

  private Pooling() {}

  /** {@code y = max over each window of x}; argmax (Modified) records where each maximum came from. */
  public static void maxPoolForward(PoolShape shape, float[] x, float[] y, int[] argmax) {
    ArrayChecks.range("x", x, 0, shape.inputSize());
    ArrayChecks.range("y", y, 0, shape.outputSize());
    ArrayChecks.range("argmax", argmax, 0, shape.outputSize());
    IMPL.maxPoolForward(shape, x, y, argmax, KernelThreads.forkPool());
  }

  /**
   * {@link #maxPoolForward} on the calling thread only: allocates nothing (the pooled call allocates a few
   * task objects when it splits), for inference paths that promise no allocation. Same bits.
   */
  public static void maxPoolForwardSequential(PoolShape shape, float[] x, float[] y, int[] argmax) {
    ArrayChecks.range("x", x, 0, shape.inputSize());
    ArrayChecks.range("y", y, 0, shape.outputSize());
    ArrayChecks.range("argmax", argmax, 0, shape.outputSize());
    IMPL.maxPoolForward(shape, x, y, argmax);
  }

  /**
   * {@link #maxPoolForward}'s y without the argmax, on the calling thread, allocating nothing: for inference
   * (there is no backward pass to route).
   */
  public static void maxPoolValues(PoolShape shape, float[] x, float[] y) {
    ArrayChecks.range("x", x, 0, shape.inputSize());
    ArrayChecks.range("y", y, 0, shape.outputSize());
    IMPL.maxPoolValues(shape, x, y);
  }

  /** {@code dx} (Modified, overwritten) receives each {@code dy} at its window's maximum. */
  public static void maxPoolBackward(PoolShape shape, float[] dy, int[] argmax, float[] dx) {
    ArrayChecks.range("dy", dy, 0, shape.outputSize());
    ArrayChecks.range("argmax", argmax, 0, shape.outputSize());
    ArrayChecks.range("dx", dx, 0, shape.inputSize());
    IMPL.maxPoolBackward(shape, dy, argmax, dx, KernelThreads.forkPool());
  }
}
