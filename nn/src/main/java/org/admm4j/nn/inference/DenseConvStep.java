package org.admm4j.nn.inference;

import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.Convolution;
import org.admm4j.kernels.Elementwise;

/**
 * A convolution with dense filters on the dense kernels ({@link Convolution}), with a following ReLU
 * applied in place when the planner folded one in (one buffer and one step fewer than the training
 * stack's separate ReLU layer).
 */
final class DenseConvStep implements InferenceStep {

  private final String name;
  private final ConvShape single;
  private final float[] weight;
  private final float[] bias;
  private final boolean relu;
  private final double density;

  /**
   * @param weight Not modified. The {@code [outC, inC, kh, kw]} filters.
   * @param bias Not modified; null for none.
   */
  DenseConvStep(String name, ConvShape single, float[] weight, float[] bias, boolean relu) {
    this.name = name;
    this.single = single.withBatch(1);
    this.weight = weight.clone();
    this.bias = bias == null ? null : bias.clone();
    this.relu = relu;
    long nonZero = 0;
    for (float v : weight) {
      if (v != 0f) {
        nonZero++;
      }
    }
    this.density = (double) nonZero / weight.length;
  }

  private record Buffers(float[] output, float[] workspace) implements State {}

  @Override
  public State newState(int capacity) {
    int workspace = 0;
    for (int n = 1; n <= capacity; n++) {
      workspace = Math.max(workspace, Convolution.workspaceSize(single.withBatch(n)));
    }
    return new Buffers(new float[capacity * single.outputSize()], new float[workspace]);
  }

  @Override
  public float[] forward(State state, float[] x, int count) {
    Buffers b = (Buffers) state;
    Convolution.forward(single.withBatch(count), x, weight, bias, b.output(), b.workspace());
    if (relu) {
      Elementwise.relu(count * single.outputSize(), b.output(), 0, b.output(), 0);
    }
    return b.output();
  }

  @Override
  public String describe() {
    return String.format("%s: dense conv %d→%d %d×%d, %.2f%% of weights non-zero%s", name, single.inChannels(),
        single.outChannels(), single.kernelHeight(), single.kernelWidth(), 100 * density, relu ? ", ReLU fused" : "");
  }
}
