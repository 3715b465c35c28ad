package org.admm4j.nn.layers;

import org.admm4j.nn.spec.LayerSpec;
import org.admm4j.kernels.PoolShape;
import org.admm4j.kernels.Pooling;

/** Max-pooling with a square window and no padding (PyTorch's {@code nn.MaxPool2d(size, stride)}). */
public final class MaxPool2d extends Layer {

  private final PoolShape single;

  /** @param inputShape {@code [channels, height, width]} */
  public MaxPool2d(String name, int[] inputShape, int size, int stride) {
    this(name, inputShape, new PoolShape(1, inputShape[0], inputShape[1], inputShape[2], size, stride));
  }

  private MaxPool2d(String name, int[] inputShape, PoolShape single) {
    super(name, inputShape, new int[] {single.channels(), single.outHeight(), single.outWidth()});
    this.single = single;
  }

  /** The pooling window's side. */
  public int kernelSize() {
    return single.size();
  }

  public int stride() {
    return single.stride();
  }

  @Override
  public LayerSpec spec() {
    return new LayerSpec.MaxPool(localName(), single.size(), single.stride());
  }

  @Override
  public Context newContext(int capacity, float[][] gradients) {
    return new State(capacity, checkGradients(parameters(), gradients));
  }

  @Override
  public float[] forward(Context context, float[] x, int count, boolean training) {
    State s = (State) context;
    s.checkCount(count);
    if (training) {
      Pooling.maxPoolForward(s.shape(count), x, s.output, s.argmax);
    } else {
      // evaluation and inference stay on the caller's thread and allocate nothing (InferenceModel's promise)
      Pooling.maxPoolForwardSequential(s.shape(count), x, s.output, s.argmax);
    }
    return s.output;
  }

  @Override
  public float[] backward(Context context, float[] dy, int count, boolean needInputGradient) {
    if (!needInputGradient) {
      return null;
    }
    State s = (State) context;
    Pooling.maxPoolBackward(s.shape(count), dy, s.argmax, s.inputGradient);
    return s.inputGradient;
  }

  private final class State extends Context {
    final PoolShape full;
    PoolShape partial;
    final float[] output;
    final int[] argmax;
    final float[] inputGradient;

    State(int capacity, float[][] gradients) {
      super(capacity, gradients);
      full = single.withBatch(capacity);
      output = new float[capacity * outputSize()];
      argmax = new int[capacity * outputSize()];
      inputGradient = new float[capacity * inputSize()];
    }

    PoolShape shape(int count) {
      if (count == capacity) {
        return full;
      }
      if (partial == null || partial.batch() != count) {
        partial = single.withBatch(count);
      }
      return partial;
    }
  }
}
