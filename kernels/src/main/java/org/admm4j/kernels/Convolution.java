package org.admm4j.kernels;

import org.admm4j.kernels.internal.ConvolutionSupport;
import org.admm4j.kernels.internal.KernelProvider;

/**
 * 2-D convolution over NCHW tensors (see {@link ConvShape}). Callers allocate one workspace of
 * {@link #workspaceSize(ConvShape)} floats per layer and batch size and pass it to every call.
 */
public final class Convolution {

  private static final ConvolutionSupport IMPL = KernelProvider.getInstance().convolution();

  private Convolution() {}

  /** Floats of workspace the calls need for {@code shape}. */
  public static int workspaceSize(ConvShape shape) {
    return IMPL.workspaceSize(shape);
  }

  /** {@code y = conv(x, w) + bias}; bias may be null. y Modified, others Not modified. */
  public static void forward(ConvShape shape, float[] x, float[] w, float[] bias, float[] y, float[] workspace) {
    checkForward(shape, x, w, bias, y, workspace);
    IMPL.forward(shape, x, w, bias, y, workspace, KernelThreads.forkPool());
  }

  /**
   * {@link #forward} for inference: same bits, but the workspace keeps nothing for
   * {@link #backwardWeightsAfterForward}, so large batches reuse one cache-sized chunk of it.
   */
  public static void forwardOnly(ConvShape shape, float[] x, float[] w, float[] bias, float[] y,
      float[] workspace) {
    checkForward(shape, x, w, bias, y, workspace);
    IMPL.forwardOnly(shape, x, w, bias, y, workspace, KernelThreads.forkPool());
  }

  private static void checkForward(ConvShape shape, float[] x, float[] w, float[] bias, float[] y,
      float[] workspace) {
    ArrayChecks.range("x", x, 0, shape.inputSize());
    ArrayChecks.range("w", w, 0, shape.weightSize());
    if (bias != null) {
      ArrayChecks.range("bias", bias, 0, shape.outChannels());
    }
    ArrayChecks.range("y", y, 0, shape.outputSize());
    checkWorkspace(shape, workspace);
  }

  /** {@code dx = ∂L/∂x} from {@code dy = ∂L/∂y}; dx Modified (overwritten). */
  public static void backwardData(ConvShape shape, float[] dy, float[] w, float[] dx, float[] workspace) {
    ArrayChecks.range("dy", dy, 0, shape.outputSize());
    ArrayChecks.range("w", w, 0, shape.weightSize());
    ArrayChecks.range("dx", dx, 0, shape.inputSize());
    checkWorkspace(shape, workspace);
    IMPL.backwardData(shape, dy, w, dx, workspace, KernelThreads.forkPool());
  }

  /** {@code dw = ∂L/∂w}, {@code dbias = ∂L/∂bias} (may be null); both Modified (overwritten). */
  public static void backwardWeights(ConvShape shape, float[] x, float[] dy, float[] dw, float[] dbias,
      float[] workspace) {
    checkWeightGradient(shape, x, dy, dw, dbias, workspace);
    IMPL.backwardWeights(shape, x, dy, dw, dbias, workspace, KernelThreads.forkPool());
  }

  /**
   * {@link #backwardWeights} where {@code workspace} still holds what {@link #forward} left in it for the
   * same shape and the same, unchanged {@code x}, with no other call on that workspace in between (a layer's
   * backward right after its forward): the im2col path then skips rebuilding the patch matrix. Same bits as
   * {@link #backwardWeights}; if the condition does not hold the results are wrong, so call
   * {@link #backwardWeights} when in doubt.
   */
  public static void backwardWeightsAfterForward(ConvShape shape, float[] x, float[] dy, float[] dw,
      float[] dbias, float[] workspace) {
    checkWeightGradient(shape, x, dy, dw, dbias, workspace);
    IMPL.backwardWeightsAfterForward(shape, x, dy, dw, dbias, workspace, KernelThreads.forkPool());
  }

  private static void checkWeightGradient(ConvShape shape, float[] x, float[] dy, float[] dw, float[] dbias,
      float[] workspace) {
    ArrayChecks.range("x", x, 0, shape.inputSize());
    ArrayChecks.range("dy", dy, 0, shape.outputSize());
    ArrayChecks.range("dw", dw, 0, shape.weightSize());
    if (dbias != null) {
      ArrayChecks.range("dbias", dbias, 0, shape.outChannels());
    }
    checkWorkspace(shape, workspace);
  }

  private static void checkWorkspace(ConvShape shape, float[] workspace) {
    int need = IMPL.workspaceSize(shape);
    if (need > 0) {
      ArrayChecks.range("workspace", workspace, 0, need);
    }
  }
}
