package org.admm4j.nn.inference;

import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.CsrMatrix;
import org.admm4j.kernels.Elementwise;
import org.admm4j.kernels.SparseConvolution;

/** A convolution with pruned filters on the sparse kernels ({@link SparseConvolution}). */
final class SparseConvStep implements InferenceStep {

  private final String name;
  private final SparseConvolution conv;
  private final float[] bias;
  private final boolean relu;
  private final int outputSize;

  SparseConvStep(String name, ConvShape single, CsrMatrix weight, float[] bias, boolean relu) {
    this.name = name;
    this.relu = relu;
    this.conv = SparseConvolution.of(weight, single);
    this.bias = bias.clone();
    this.outputSize = single.outputSize();
  }

  private record Buffers(float[] output, float[] workspace) implements State {}

  @Override
  public State newState(int capacity) {
    return new Buffers(new float[capacity * outputSize], new float[conv.workspaceSize()]);
  }

  @Override
  public float[] forward(State state, float[] x, int count) {
    Buffers b = (Buffers) state;
    conv.forward(count, x, bias, b.output(), b.workspace());
    if (relu) {
      Elementwise.relu(count * outputSize, b.output(), 0, b.output(), 0);
    }
    return b.output();
  }

  @Override
  public String describe() {
    CsrMatrix w = conv.filters();
    return String.format("%s: sparse conv %d×%d (%s), %.2f%% of weights", name, w.rows(), w.cols(),
        conv.shiftedRuns() ? "stride 1, no im2col" : w.activeColumns() + " of " + w.cols() + " taps active",
        100 * w.density()) + (relu ? ", ReLU fused" : "");
  }
}
