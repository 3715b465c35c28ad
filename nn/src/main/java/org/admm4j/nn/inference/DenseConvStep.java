package org.admm4j.nn.inference;

import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.Convolution;
import org.admm4j.kernels.Elementwise;
import org.admm4j.kernels.WinogradConvolution;

/**
 * A convolution with dense filters: Winograd F(2×2, 3×3) with the filters transformed once where it wins
 * ({@link WinogradConvolution#prefers}: 3×3 stride 1, 16 input channels or more), bias and ReLU in its
 * output transform; otherwise the dense kernels ({@link Convolution}) with a following ReLU applied in place
 * (one buffer and one step fewer than the training stack's separate ReLU layer).
 */
final class DenseConvStep implements InferenceStep {

  private final String name;
  private final ConvShape single;
  private final float[] weight;
  private final float[] bias;
  private final boolean relu;
  private final double density;
  /** Null where the im2col / direct kernels serve the layer. */
  private final WinogradConvolution winograd;

  /**
   * @param weight Not modified. The {@code [outC, inC, kh, kw]} filters.
   * @param bias Not modified; null for none.
   * @param density the share of non-zero weights, for {@link #describe}
   */
  DenseConvStep(String name, ConvShape single, float[] weight, float[] bias, boolean relu, double density) {
    this.name = name;
    this.single = single.withBatch(1);
    this.weight = weight.clone();
    this.bias = bias == null ? null : bias.clone();
    this.relu = relu;
    this.density = density;
    this.winograd = WinogradConvolution.prefers(this.single) ? WinogradConvolution.of(this.single, weight) : null;
  }

  private record Buffers(float[] output, float[] workspace) implements State {}

  @Override
  public State newState(int capacity) {
    int workspace = 0;
    for (int n = 1; n <= capacity; n++) {
      workspace = Math.max(workspace, winograd != null ? winograd.workspaceSize(n)
          : Convolution.workspaceSize(single.withBatch(n)));
    }
    return new Buffers(new float[capacity * single.outputSize()], new float[workspace]);
  }

  @Override
  public float[] forward(State state, float[] x, int count) {
    Buffers b = (Buffers) state;
    if (winograd != null) {
      winograd.forward(count, x, bias, relu, b.output(), b.workspace());
      return b.output();
    }
    Convolution.forwardOnly(single.withBatch(count), x, weight, bias, b.output(), b.workspace());
    if (relu) {
      Elementwise.relu(count * single.outputSize(), b.output(), 0, b.output(), 0);
    }
    return b.output();
  }

  @Override
  public String describe() {
    return String.format("%s: dense conv %d→%d %d×%d%s, %.2f%% of weights non-zero%s", name, single.inChannels(),
        single.outChannels(), single.kernelHeight(), single.kernelWidth(), winograd != null ? " (Winograd F(2,3))" : "",
        100 * density, relu ? ", ReLU fused" : "");
  }
}
