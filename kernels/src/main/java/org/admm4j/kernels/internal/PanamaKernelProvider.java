package org.admm4j.kernels.internal;

/**
 * The Vector API kernels.
 *
 * <p>NOTE: this class must not hold Vector API statics itself; they live in {@link PanamaConstants}, so
 * that a failing species initialisation surfaces here as an exception the lookup can catch.
 */
final class PanamaKernelProvider extends KernelProvider {

  private final PanamaBlasSupport blas;
  private final PanamaElementwiseSupport elementwise;
  private final PanamaConvolutionSupport convolution;
  private final PanamaProjectionSupport projection;
  private final PanamaOptimizerSupport optimizer;
  private final PanamaSparseSupport sparse;
  private final PanamaWinogradSupport winograd;

  PanamaKernelProvider() {
    int bits = PanamaConstants.VECTOR_BIT_SIZE;
    if (bits < 128) {
      throw new UnsupportedOperationException(
          "preferred float vectors are " + bits + " bits wide; the Vector API kernels need at least 128");
    }
    blas = new PanamaBlasSupport();
    elementwise = new PanamaElementwiseSupport();
    convolution = new PanamaConvolutionSupport(blas);
    projection = new PanamaProjectionSupport();
    optimizer = new PanamaOptimizerSupport();
    sparse = new PanamaSparseSupport();
    winograd = new PanamaWinogradSupport();
    LOG.fine(() -> "admm4j kernels: Vector API, " + bits + "-bit float vectors");
  }

  @Override
  public String name() {
    return "panama";
  }

  @Override
  public int vectorBitSize() {
    return PanamaConstants.VECTOR_BIT_SIZE;
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
