package org.admm4j.nn.inference;

import org.admm4j.kernels.CsrMatrix;
import org.admm4j.kernels.Elementwise;
import org.admm4j.kernels.SparseBlas;

/** A pruned fully connected layer on the sparse kernels: {@code y = x·Wᵀ + b} with W in CSR form. */
final class SparseLinearStep implements InferenceStep {

  private final String name;
  private final CsrMatrix weight;
  private final float[] bias;
  private final boolean relu;

  SparseLinearStep(String name, CsrMatrix weight, float[] bias, boolean relu) {
    this.name = name;
    this.relu = relu;
    this.weight = weight;
    this.bias = bias.clone();
  }

  private record Buffers(float[] output, float[] workspace) implements State {}

  @Override
  public State newState(int capacity) {
    int workspace = 0;
    for (int n = 1; n <= capacity; n++) {
      workspace = Math.max(workspace, SparseBlas.linearWorkspaceSize(weight, n));
    }
    return new Buffers(new float[capacity * weight.rows()], new float[workspace]);
  }

  @Override
  public float[] forward(State state, float[] x, int count) {
    Buffers b = (Buffers) state;
    SparseBlas.linear(weight, count, x, bias, b.output(), b.workspace());
    if (relu) {
      Elementwise.relu(count * weight.rows(), b.output(), 0, b.output(), 0);
    }
    return b.output();
  }

  @Override
  public String describe() {
    return String.format("%s: sparse linear %d×%d, %.2f%% of weights", name, weight.rows(), weight.cols(),
        100 * weight.density()) + (relu ? ", ReLU fused" : "");
  }
}
