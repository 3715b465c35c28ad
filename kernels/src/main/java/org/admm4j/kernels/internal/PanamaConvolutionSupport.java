package org.admm4j.kernels.internal;

/** Vector API convolution and pooling. */
final class PanamaConvolutionSupport extends ScalarConvolutionSupport {

  // TODO(conv): vectorised im2col/GEMM or direct kernels, chosen by measurement.
  PanamaConvolutionSupport(BlasSupport blas) {
    super(blas);
  }
}
