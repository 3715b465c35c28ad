package org.admm4j.nn.layers;

import org.admm4j.nn.spec.LayerSpec;

/** The mean of each channel ({@code nn.AdaptiveAvgPool2d(1)}): {@code [C, H, W]} → {@code [C, 1, 1]}. */
public final class GlobalAvgPool extends Layer {

  private final int channels;
  private final int spatial;

  /** @param inputShape {@code [channels, height, width]} */
  public GlobalAvgPool(String name, int[] inputShape) {
    super(name, inputShape, new int[] {inputShape[0], 1, 1});
    if (inputShape.length != 3) {
      throw new IllegalArgumentException(name + ": global average pooling takes [C, H, W], got "
          + java.util.Arrays.toString(inputShape));
    }
    channels = inputShape[0];
    spatial = inputShape[1] * inputShape[2];
  }

  @Override
  public LayerSpec spec() {
    return new LayerSpec.GlobalAvgPool(localName());
  }

  @Override
  public Context newContext(int capacity, float[][] gradients) {
    return new State(capacity, checkGradients(parameters(), gradients));
  }

  @Override
  public float[] forward(Context context, float[] x, int count, boolean training) {
    State s = (State) context;
    s.checkCount(count);
    for (int plane = 0; plane < count * channels; plane++) {
      // double sum: a large plane in float would lose the small values' contribution
      double sum = 0;
      int base = plane * spatial;
      for (int j = 0; j < spatial; j++) {
        sum += x[base + j];
      }
      s.output[plane] = (float) (sum / spatial);
    }
    return s.output;
  }

  @Override
  public float[] backward(Context context, float[] dy, int count, boolean needInputGradient) {
    if (!needInputGradient) {
      return null;
    }
    State s = (State) context;
    float inv = 1f / spatial;
    for (int plane = 0; plane < count * channels; plane++) {
      java.util.Arrays.fill(s.inputGradient, plane * spatial, (plane + 1) * spatial, dy[plane] * inv);
    }
    return s.inputGradient;
  }

  private final class State extends Context {
    final float[] output;
    final float[] inputGradient;

    State(int capacity, float[][] gradients) {
      super(capacity, gradients);
      output = new float[capacity * channels];
      inputGradient = new float[capacity * inputSize()];
    }
  }
}
