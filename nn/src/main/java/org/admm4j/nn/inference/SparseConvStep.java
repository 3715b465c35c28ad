package org.admm4j.nn.inference;

import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.CsrMatrix;
import org.admm4j.kernels.SparseBlas;

/** A convolution with pruned filters on the sparse im2col kernels. */
final class SparseConvStep implements InferenceStep {

  private final String name;
  private final ConvShape single;
  private final CsrMatrix weight;
  private final float[] bias;

  SparseConvStep(String name, ConvShape single, CsrMatrix weight, float[] bias) {
    this.name = name;
    this.single = single;
    this.weight = weight;
    this.bias = bias.clone();
  }

  /** shapes[n] is the layer's shape for a batch of n, made once so that calls allocate nothing. */
  private record Buffers(ConvShape[] shapes, float[] output, float[] workspace) implements State {}

  @Override
  public State newState(int capacity) {
    ConvShape[] shapes = new ConvShape[capacity + 1];
    for (int n = 1; n <= capacity; n++) {
      shapes[n] = single.withBatch(n);
    }
    return new Buffers(shapes, new float[shapes[capacity].outputSize()],
        new float[SparseBlas.convWorkspaceSize(weight, single)]);
  }

  @Override
  public float[] forward(State state, float[] x, int count) {
    Buffers b = (Buffers) state;
    SparseBlas.convForward(weight, b.shapes()[count], x, bias, b.output(), b.workspace());
    return b.output();
  }

  @Override
  public String describe() {
    return String.format("%s: sparse conv %d×%d (%d of %d filter taps active), %.2f%% of weights", name,
        weight.rows(), weight.cols(), weight.activeColumns(), weight.cols(), 100 * weight.density());
  }
}
