package org.admm4j.kernels;

/**
 * Shape of a 2-D convolution over NCHW tensors: input {@code [batch, inChannels, inHeight, inWidth]},
 * weights {@code [outChannels, inChannels, kernelHeight, kernelWidth]}, output
 * {@code [batch, outChannels, outHeight(), outWidth()]}; the same stride and zero padding on both axes.
 */
public record ConvShape(int batch, int inChannels, int inHeight, int inWidth,
    int outChannels, int kernelHeight, int kernelWidth, int stride, int padding) {

  public ConvShape {
    if (batch < 1 || inChannels < 1 || inHeight < 1 || inWidth < 1 || outChannels < 1
        || kernelHeight < 1 || kernelWidth < 1 || stride < 1 || padding < 0) {
      throw new IllegalArgumentException("invalid convolution shape: " + this);
    }
    if (inHeight + 2 * padding < kernelHeight || inWidth + 2 * padding < kernelWidth) {
      throw new IllegalArgumentException("kernel larger than the padded input: " + this);
    }
  }

  /** Output rows: {@code (inHeight + 2·padding − kernelHeight) / stride + 1}. */
  public int outHeight() {
    return (inHeight + 2 * padding - kernelHeight) / stride + 1;
  }

  /** Output columns: {@code (inWidth + 2·padding − kernelWidth) / stride + 1}. */
  public int outWidth() {
    return (inWidth + 2 * padding - kernelWidth) / stride + 1;
  }

  /** Elements of the input tensor. */
  public int inputSize() {
    return batch * inChannels * inHeight * inWidth;
  }

  /** Elements of the output tensor. */
  public int outputSize() {
    return batch * outChannels * outHeight() * outWidth();
  }

  /** Elements of the weight tensor. */
  public int weightSize() {
    return outChannels * inChannels * kernelHeight * kernelWidth;
  }

  /** The same layer for another batch size. */
  public ConvShape withBatch(int newBatch) {
    return new ConvShape(newBatch, inChannels, inHeight, inWidth, outChannels, kernelHeight, kernelWidth,
        stride, padding);
  }
}
