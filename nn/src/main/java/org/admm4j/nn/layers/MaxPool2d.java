package org.admm4j.nn.layers;

import java.util.Arrays;
import org.admm4j.kernels.PoolShape;
import org.admm4j.kernels.Pooling;
import org.admm4j.nn.spec.LayerSpec;

/**
 * Max-pooling with a square window (PyTorch's {@code nn.MaxPool2d(kernel, stride, padding)}, floor
 * mode). Padding counts as −∞: the input is copied into a buffer with a −∞ border and pooled there;
 * with {@code 2·padding ≤ kernel} every window holds at least one input value.
 */
public final class MaxPool2d extends Layer {

  private final PoolShape single;
  private final int padding;

  /** @param inputShape {@code [channels, height, width]} */
  public MaxPool2d(String name, int[] inputShape, int size, int stride) {
    this(name, inputShape, size, stride, 0);
  }

  /** With {@code padding} −∞ rows and columns on every side ({@code 2·padding ≤ size}). */
  public MaxPool2d(String name, int[] inputShape, int size, int stride, int padding) {
    this(name, inputShape, padded(name, inputShape, size, stride, padding), padding);
  }

  private static PoolShape padded(String name, int[] in, int size, int stride, int padding) {
    if (padding < 0 || 2 * padding > size) {
      throw new IllegalArgumentException(name + ": max-pool padding " + padding + " must be in 0.." + size / 2);
    }
    return new PoolShape(1, in[0], in[1] + 2 * padding, in[2] + 2 * padding, size, stride);
  }

  private MaxPool2d(String name, int[] inputShape, PoolShape single, int padding) {
    super(name, inputShape, new int[] {single.channels(), single.outHeight(), single.outWidth()});
    this.single = single;
    this.padding = padding;
  }

  /** The pooling window's side. */
  public int kernelSize() {
    return single.size();
  }

  public int stride() {
    return single.stride();
  }

  public int padding() {
    return padding;
  }

  @Override
  public LayerSpec spec() {
    return new LayerSpec.MaxPool(localName(), single.size(), single.stride(), padding);
  }

  @Override
  public Context newContext(int capacity, float[][] gradients) {
    return new State(capacity, checkGradients(parameters(), gradients));
  }

  @Override
  public float[] forward(Context context, float[] x, int count, boolean training) {
    State s = (State) context;
    s.checkCount(count);
    float[] in = padding == 0 ? x : s.pad(x, count);
    if (training) {
      Pooling.maxPoolForward(s.shape(count), in, s.output, s.argmax);
    } else {
      // evaluation and inference stay on the caller's thread and allocate nothing (InferenceModel's promise);
      // no backward pass follows, so no argmax
      Pooling.maxPoolValues(s.shape(count), in, s.output);
    }
    return s.output;
  }

  @Override
  public float[] backward(Context context, float[] dy, int count, boolean needInputGradient) {
    if (!needInputGradient) {
      return null;
    }
    State s = (State) context;
    if (padding == 0) {
      Pooling.maxPoolBackward(s.shape(count), dy, s.argmax, s.inputGradient);
      return s.inputGradient;
    }
    Pooling.maxPoolBackward(s.shape(count), dy, s.argmax, s.paddedGradient);
    s.unpad(count);
    return s.inputGradient;
  }

  private final class State extends Context {
    final PoolShape full;
    PoolShape partial;
    final float[] output;
    final int[] argmax;
    final float[] inputGradient;
    /** The input with its −∞ border, and the gradient in that layout (null without padding). */
    final float[] padded;
    final float[] paddedGradient;

    State(int capacity, float[][] gradients) {
      super(capacity, gradients);
      full = single.withBatch(capacity);
      output = new float[capacity * outputSize()];
      argmax = new int[capacity * outputSize()];
      inputGradient = new float[capacity * inputSize()];
      if (padding > 0) {
        padded = new float[capacity * single.inputSize()];
        Arrays.fill(padded, Float.NEGATIVE_INFINITY);
        paddedGradient = new float[capacity * single.inputSize()];
      } else {
        padded = null;
        paddedGradient = null;
      }
    }

    /** Copies the rows of x into the interior of the padded buffer; its border stays −∞. */
    float[] pad(float[] x, int count) {
      int h = single.inHeight() - 2 * padding, w = single.inWidth() - 2 * padding, pw = single.inWidth();
      for (int plane = 0; plane < count * single.channels(); plane++) {
        int src = plane * h * w, dst = plane * single.inHeight() * pw + padding * pw + padding;
        for (int y = 0; y < h; y++) {
          System.arraycopy(x, src + y * w, padded, dst + y * pw, w);
        }
      }
      return padded;
    }

    /** The interior of the padded gradient into inputGradient. */
    void unpad(int count) {
      int h = single.inHeight() - 2 * padding, w = single.inWidth() - 2 * padding, pw = single.inWidth();
      for (int plane = 0; plane < count * single.channels(); plane++) {
        int dst = plane * h * w, src = plane * single.inHeight() * pw + padding * pw + padding;
        for (int y = 0; y < h; y++) {
          System.arraycopy(paddedGradient, src + y * pw, inputGradient, dst + y * w, w);
        }
      }
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
