package org.admm4j.kernels.internal;

/** The plain-Java kernels: the reference implementation, and the fallback without the Vector API. */
final class ScalarKernelProvider extends KernelProvider {

  private final ScalarBlasSupport blas = new ScalarBlasSupport();
  private final ScalarElementwiseSupport elementwise = new ScalarElementwiseSupport();
  private final ScalarConvolutionSupport convolution = new ScalarConvolutionSupport(blas);
  private final ScalarProjectionSupport projection = new ScalarProjectionSupport();
  private final ScalarOptimizerSupport optimizer = new ScalarOptimizerSupport();
  private final ScalarSparseSupport sparse = new ScalarSparseSupport();
  private final ScalarWinogradSupport winograd = new ScalarWinogradSupport();

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public int vectorBitSize() {
    return 0;
  }

  @Override
  public BlasSupport blas() {
    return blas;
  }

  @Override
  public ElementwiseSupport elementwise() {
    return elementwise;
  }

  @Override
  public ConvolutionSupport convolution() {
    return convolution;
  }

  @Override
  public ProjectionSupport projection() {
    return projection;
  }

  @Override
  public OptimizerSupport optimizer() {
    return optimizer;
  }

  @Override
  public SparseSupport sparse() {
    return sparse;
  }

  @Override
  public WinogradSupport winograd() {
    return winograd;
  }
}
