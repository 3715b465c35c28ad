package org.admm4j.kernels;

/**
 * Shape of a 2-D max-pool over NCHW tensors: a {@code size×size} window moved by {@code stride}, no
 * padding; input {@code [batch, channels, inHeight, inWidth]}, output {@code [batch, channels,
 * outHeight(), outWidth()]}.
 */
public record PoolShape(int batch, int channels, int inHeight, int inWidth, int size, int stride) {

  public PoolShape {
    if (batch < 1 || channels < 1 || inHeight < size || inWidth < size || size < 1 || stride < 1) {
      throw new IllegalArgumentException("invalid pooling shape: " + this);
    }
  }

  /** Output rows: {@code (inHeight − size) / stride + 1}. */
  public int outHeight() {
    return (inHeight - size) / stride + 1;
  }

  /** Output columns: {@code (inWidth − size) / stride + 1}. */
  public int outWidth() {
    return (inWidth - size) / stride + 1;
  }

  /** Elements of the input tensor. */
  public int inputSize() {
    return batch * channels * inHeight * inWidth;
  }

  /** Elements of the output tensor. */
  public int outputSize() {
    return batch * channels * outHeight() * outWidth();
  }

  /** The same layer for another batch size. */
  public PoolShape withBatch(int newBatch) {
    return new PoolShape(newBatch, channels, inHeight, inWidth, size, stride);
  }
}
