package org.admm4j.nn.layers;

import org.admm4j.nn.spec.LayerSpec;

/**
 * Average pooling with a square window (PyTorch's {@code nn.AvgPool2d(kernel, stride, padding)}): the
 * padded zeros count in every window's mean, as PyTorch's default {@code count_include_pad=True}, so each
 * output is the window's sum over kernel².
 */
public final class AvgPool2d extends Layer {

  private final int channels;
  private final int inHeight;
  private final int inWidth;
  private final int kernel;
  private final int stride;
  private final int padding;
  private final int outHeight;
  private final int outWidth;

  /** @param inputShape {@code [channels, height, width]} */
  public AvgPool2d(String name, int[] inputShape, int kernel, int stride, int padding) {
    super(name, inputShape, outputShape(name, inputShape, kernel, stride, padding));
    this.channels = inputShape[0];
    this.inHeight = inputShape[1];
    this.inWidth = inputShape[2];
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    this.outHeight = (inHeight + 2 * padding - kernel) / stride + 1;
    this.outWidth = (inWidth + 2 * padding - kernel) / stride + 1;
  }

  private static int[] outputShape(String name, int[] in, int kernel, int stride, int padding) {
    if (in.length != 3 || kernel < 1 || stride < 1 || padding < 0 || 2 * padding > kernel
        || in[1] + 2 * padding < kernel || in[2] + 2 * padding < kernel) {
      throw new IllegalArgumentException(name + ": average pool " + kernel + "/" + stride + " padding " + padding
          + " does not fit input " + java.util.Arrays.toString(in));
    }
    return new int[] {in[0], (in[1] + 2 * padding - kernel) / stride + 1, (in[2] + 2 * padding - kernel) / stride + 1};
  }

  @Override
  public LayerSpec spec() {
    return new LayerSpec.AvgPool(localName(), kernel, stride, padding);
  }

  @Override
  public Context newContext(int capacity, float[][] gradients) {
    return new State(capacity, checkGradients(parameters(), gradients));
  }

  @Override
  public float[] forward(Context context, float[] x, int count, boolean training) {
    State s = (State) context;
    s.checkCount(count);
    float inv = 1f / (kernel * kernel);
    int inPlane = inHeight * inWidth, outPlane = outHeight * outWidth;
    for (int plane = 0; plane < count * channels; plane++) {
      int xBase = plane * inPlane, yBase = plane * outPlane;
      for (int oy = 0; oy < outHeight; oy++) {
        int y0 = Math.max(oy * stride - padding, 0), y1 = Math.min(oy * stride - padding + kernel, inHeight);
        for (int ox = 0; ox < outWidth; ox++) {
          int x0 = Math.max(ox * stride - padding, 0), x1 = Math.min(ox * stride - padding + kernel, inWidth);
          float sum = 0f;
          for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) {
              sum += x[xBase + iy * inWidth + ix];
            }
          }
          s.output[yBase + oy * outWidth + ox] = sum * inv;
        }
      }
    }
    return s.output;
  }

  @Override
  public float[] backward(Context context, float[] dy, int count, boolean needInputGradient) {
    if (!needInputGradient) {
      return null;
    }
    State s = (State) context;
    float inv = 1f / (kernel * kernel);
    int inPlane = inHeight * inWidth, outPlane = outHeight * outWidth;
    java.util.Arrays.fill(s.inputGradient, 0, count * channels * inPlane, 0f);
    for (int plane = 0; plane < count * channels; plane++) {
      int xBase = plane * inPlane, yBase = plane * outPlane;
      for (int oy = 0; oy < outHeight; oy++) {
        int y0 = Math.max(oy * stride - padding, 0), y1 = Math.min(oy * stride - padding + kernel, inHeight);
        for (int ox = 0; ox < outWidth; ox++) {
          int x0 = Math.max(ox * stride - padding, 0), x1 = Math.min(ox * stride - padding + kernel, inWidth);
          float g = dy[yBase + oy * outWidth + ox] * inv;
          for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) {
              s.inputGradient[xBase + iy * inWidth + ix] += g;
            }
          }
        }
      }
    }
    return s.inputGradient;
  }

  private final class State extends Context {
    final float[] output;
    final float[] inputGradient;

    State(int capacity, float[][] gradients) {
      super(capacity, gradients);
      output = new float[capacity * outputSize()];
      inputGradient = new float[capacity * inputSize()];
    }
  }
}
