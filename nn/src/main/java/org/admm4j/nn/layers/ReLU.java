package org.admm4j.nn.layers;

import org.admm4j.nn.spec.LayerSpec;
import org.admm4j.kernels.Elementwise;

/** {@code y = max(x, 0)}. */
public final class ReLU extends Layer {

  public ReLU(String name, int[] shape) {
    super(name, shape, shape);
  }

  @Override
  public LayerSpec spec() {
    return new LayerSpec.Relu(localName());
  }

  @Override
  public Context newContext(int capacity, float[][] gradients) {
    return new State(capacity, checkGradients(parameters(), gradients), capacity * inputSize());
  }

  @Override
  public float[] forward(Context context, float[] x, int count, boolean training) {
    State s = (State) context;
    s.checkCount(count);
    Elementwise.relu(count * inputSize(), x, 0, s.output, 0);
    return s.output;
  }

  @Override
  public float[] backward(Context context, float[] dy, int count, boolean needInputGradient) {
    if (!needInputGradient) {
      return null;
    }
    State s = (State) context;
    // dy belongs to the next layer and is not read again: overwrite it in place.
    Elementwise.reluBackward(count * inputSize(), s.output, 0, dy, 0, dy, 0);
    return dy;
  }

  private static final class State extends Context {
    final float[] output;

    State(int capacity, float[][] gradients, int size) {
      super(capacity, gradients);
      output = new float[size];
    }
  }
}
