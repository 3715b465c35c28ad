package org.admm4j.kernels.internal;

import java.util.concurrent.ForkJoinPool;
import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.PoolShape;

/** 2-D convolution (NCHW) and max-pooling, forward and backward. */
public interface ConvolutionSupport {

  /** Floats of scratch space the convolution calls need for {@code shape}. */
  int workspaceSize(ConvShape shape);

  /** {@code y = conv(x, w) + bias} (bias may be null). */
  void forward(ConvShape shape, float[] x, float[] w, float[] bias, float[] y, float[] workspace,
      ForkJoinPool pool);

  /**
   * {@link #forward} leaving nothing in the workspace for {@link #backwardWeightsAfterForward} (inference):
   * the chunked im2col path then reuses one chunk's scratch, which stays in cache. Same bits as forward.
   */
  default void forwardOnly(ConvShape shape, float[] x, float[] w, float[] bias, float[] y, float[] workspace,
      ForkJoinPool pool) {
    forward(shape, x, w, bias, y, workspace, pool);
  }

  /** {@code dx = convᵀ(dy, w)}: the gradient with respect to the input, overwriting dx. */
  void backwardData(ConvShape shape, float[] dy, float[] w, float[] dx, float[] workspace, ForkJoinPool pool);

  /** {@code dw = Σ_batch dy ⋆ x}, {@code dbias = Σ dy} (dbias may be null), both overwritten. */
  void backwardWeights(ConvShape shape, float[] x, float[] dy, float[] dw, float[] dbias, float[] workspace,
      ForkJoinPool pool);

  /**
   * {@link #backwardWeights} for a workspace that still holds what {@link #forward} left in it for the same
   * shape and the same, unchanged x (no other call on that workspace since): the im2col path then reuses
   * forward's patch matrix instead of building it again. Same results, same bits as {@link #backwardWeights}.
   */
  default void backwardWeightsAfterForward(ConvShape shape, float[] x, float[] dy, float[] dw, float[] dbias,
      float[] workspace, ForkJoinPool pool) {
    backwardWeights(shape, x, dy, dw, dbias, workspace, pool);
  }

  /** {@code y = max over each window of x}; {@code argmax} receives the input index of each maximum. */
  void maxPoolForward(PoolShape shape, float[] x, float[] y, int[] argmax);

  /** {@link #maxPoolForward} without the argmax (inference), on the calling thread: the same y. */
  void maxPoolValues(PoolShape shape, float[] x, float[] y);

  /** {@code dx = 0}, then {@code dx[argmax[i]] += dy[i]}. */
  void maxPoolBackward(PoolShape shape, float[] dy, int[] argmax, float[] dx);

  /**
   * {@link #maxPoolForward} restricted to the planes (sample × channel) {@code [planeLo, planeHi)}: writes
   * exactly their outputs and argmax entries (absolute input indices), the same bits as the whole call.
   */
  void maxPoolForwardPlanes(PoolShape shape, float[] x, float[] y, int[] argmax, int planeLo, int planeHi);

  /** {@link #maxPoolBackward} restricted to the planes {@code [planeLo, planeHi)} of dx (and of dy, argmax). */
  void maxPoolBackwardPlanes(PoolShape shape, float[] dy, int[] argmax, float[] dx, int planeLo, int planeHi);

  /**
   * {@link #maxPoolForward} split by planes over {@code pool} (sequential when null, one worker, or too little
   * work): each plane is written by one task, so the bits do not depend on the pool.
   */
  void maxPoolForward(PoolShape shape, float[] x, float[] y, int[] argmax, ForkJoinPool pool);

  /** {@link #maxPoolBackward} split by planes over {@code pool}, each plane of dx written by one task. */
  void maxPoolBackward(PoolShape shape, float[] dy, int[] argmax, float[] dx, ForkJoinPool pool);
}
