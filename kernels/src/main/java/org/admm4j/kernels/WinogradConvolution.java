package org.admm4j.kernels;

import org.admm4j.kernels.internal.KernelProvider;
import org.admm4j.kernels.internal.WinogradPlan;
import org.admm4j.kernels.internal.WinogradSupport;

/**
 * A 3×3 stride-1 convolution by Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray, "Fast
 * Algorithms for Convolutional Neural Networks", 2015), prepared once for one layer: the dense inference
 * forward. Immutable and thread-safe; each call allocates nothing and runs on the calling thread with a
 * caller-owned workspace of {@link #workspaceSize(int)} floats (parallelise over samples, one workspace
 * per thread).
 *
 * <p>Each 2×2 output tile is {@code Aᵀ [Σ_c U_c ⊙ V_c] A} with {@code U = G g Gᵀ} the transformed filters
 * (done here once) and {@code V = Bᵀ d B} the transformed 4×4 input tiles: 16 multiplies per tile and
 * channel pair instead of the 36 of {@link Convolution#forward}, as 16 [outC × inC]·[inC × tiles]
 * products over a block of tiles that stays in L2. The transforms add rounding: results differ from the
 * direct sum by a few ulps of the sum of |terms| (about 1e-6 of it), more than im2col's. Bias and ReLU
 * are applied in the output transform.
 */
public final class WinogradConvolution {

  private static final WinogradSupport IMPL = KernelProvider.getInstance().winograd();

  private final WinogradPlan plan;

  private WinogradConvolution(WinogradPlan plan) {
    this.plan = plan;
  }

  /** Whether the layer can run here: a 3×3 kernel with stride 1 (any zero padding). */
  public static boolean applies(ConvShape shape) {
    return shape.kernelHeight() == 3 && shape.kernelWidth() == 3 && shape.stride() == 1;
  }

  /**
   * Whether this is faster than {@link Convolution#forward} for the layer: it {@link #applies} and it has
   * at least {@link KernelParameters#WINOGRAD_MIN_IN_CHANNELS} input channels (see kernels/README.md).
   */
  public static boolean prefers(ConvShape shape) {
    return applies(shape) && shape.inChannels() >= KernelParameters.WINOGRAD_MIN_IN_CHANNELS;
  }

  /**
   * Prepares the layer {@code shape} (its batch is ignored) with {@code weights} [outC, inC, 3, 3],
   * row-major (Not modified; copied in transformed form).
   *
   * @throws IllegalArgumentException when the shape is not 3×3 stride 1 or weights is short
   */
  public static WinogradConvolution of(ConvShape shape, float[] weights) {
    if (shape == null) {
      throw new IllegalArgumentException("shape is null");
    }
    if (!applies(shape)) {
      throw new IllegalArgumentException("Winograd F(2×2, 3×3) needs a 3×3 kernel with stride 1, got "
          + shape.kernelHeight() + "×" + shape.kernelWidth() + " with stride " + shape.stride());
    }
    ArrayChecks.range("weights", weights, 0, shape.weightSize());
    return new WinogradConvolution(IMPL.prepare(shape, weights));
  }

  /** The layer's geometry for one sample. */
  public ConvShape shape() {
    return plan.shape();
  }

  /**
   * Floats of workspace {@link #forward} needs for up to {@code batch} samples per call.
   *
   * @throws IllegalArgumentException on a batch below 1 or a workspace beyond a Java array
   */
  public int workspaceSize(int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
    long n = IMPL.workspaceSize(plan, batch);
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("Winograd workspace of " + n + " floats exceeds a Java array");
    }
    return (int) n;
  }

  /**
   * {@code y = conv(x, W) + bias}, then {@code y = max(y, 0)} when {@code relu}, for {@code count}
   * samples (NCHW).
   *
   * @param x Not modified. count × inC × H × W floats.
   * @param bias Not modified. outC floats, or null.
   * @param y Modified. count × outC × oh × ow floats, overwritten.
   * @param workspace Modified. At least {@link #workspaceSize(int) workspaceSize(count)} floats.
   * @throws IllegalArgumentException on a count below 1 or short arrays
   */
  public void forward(int count, float[] x, float[] bias, boolean relu, float[] y, float[] workspace) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    ConvShape s = plan.shape();
    ArrayChecks.range("x", x, 0, (long) count * s.inputSize());
    if (bias != null) {
      ArrayChecks.range("bias", bias, 0, s.outChannels());
    }
    ArrayChecks.range("y", y, 0, (long) count * s.outputSize());
    ArrayChecks.range("workspace", workspace, 0, IMPL.workspaceSize(plan, count));
    IMPL.forward(plan, count, x, bias, relu, y, workspace);
  }
}
