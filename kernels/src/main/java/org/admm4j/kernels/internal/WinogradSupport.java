package org.admm4j.kernels.internal;

import org.admm4j.kernels.ConvShape;

/**
 * Winograd F(2×2, 3×3) convolution (Lavin and Gray, 2015) for 3×3 stride-1 layers: each 2×2 output tile is
 * {@code Y = Aᵀ [Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B)] A} over the 4×4 input tile d_c of every input channel c, so
 * 16 multiplies per tile and channel pair instead of 36. Calls allocate nothing and run on the calling
 * thread; tiles go through in blocks whose transformed inputs and products stay in L2.
 */
public interface WinogradSupport {

  /** {@code U[ξ][oc][ic] = (G·w[oc][ic]·Gᵀ)[ξ]} for every filter, in this implementation's layout. */
  WinogradPlan prepare(ConvShape shape, float[] w);

  /** Floats of workspace {@link #forward} needs for {@code count} samples. */
  long workspaceSize(WinogradPlan plan, int count);

  /**
   * {@code y = conv(x, w) + bias} over {@code count} NCHW samples (bias may be null), then
   * {@code y = max(y, 0)} when {@code relu}; y is overwritten.
   */
  void forward(WinogradPlan plan, int count, float[] x, float[] bias, boolean relu, float[] y, float[] workspace);
}
