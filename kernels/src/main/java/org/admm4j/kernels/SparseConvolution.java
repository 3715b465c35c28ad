package org.admm4j.kernels;

import org.admm4j.kernels.internal.CsrArrays;
import org.admm4j.kernels.internal.KernelProvider;
import org.admm4j.kernels.internal.SparseSupport;

/**
 * A convolution with pruned filters, prepared once for one layer's geometry: the inference path of a
 * sparse convolution layer. Immutable and thread-safe; each call allocates nothing and runs on the
 * calling thread with a caller-owned workspace of {@link #workspaceSize()} floats.
 *
 * <p>Stride-1 layers skip im2col. Each non-zero filter weight W[o][c][p][q] multiplies the input run that
 * starts at offset c·Hp·Wp + p·Wp + q of the (zero-padded) image, contiguous over all output rows at once
 * if each output row is computed over the padded width Wp instead of ow: an axpy of (oh − 1)·Wp + ow
 * floats, whose Wp − ow extra columns per row are dropped when the result is cropped into y. That trades
 * (Wp − ow)/ow more multiply-adds (50% for LeNet-5's conv2, 17% for conv1) for the im2col copy, which costs
 * more than the sparse product itself at low densities: up to
 * {@link KernelParameters#SPARSE_CONV_SHIFTED_MAX_DENSITY}. Denser filters and other strides use
 * {@link SparseBlas#convForward} (im2col of the active filter taps, whose product keeps a 4-vector strip
 * of output in registers).
 */
public final class SparseConvolution {

  private static final SparseSupport IMPL = KernelProvider.getInstance().sparse();

  private final CsrMatrix filters;
  private final ConvShape single;
  private final CsrArrays shifted;

  private SparseConvolution(CsrMatrix filters, ConvShape single, CsrArrays shifted) {
    this.filters = filters;
    this.single = single;
    this.shifted = shifted;
  }

  /**
   * Prepares {@code filters} (outC × inC·kh·kw, the [outC, inC, kh, kw] tensor flattened) for the
   * layer {@code shape} (its batch is ignored).
   *
   * @throws IllegalArgumentException when the filter matrix does not match the shape
   */
  public static SparseConvolution of(CsrMatrix filters, ConvShape shape) {
    SparseBlas.convWorkspaceSize(filters, shape); // checks the filter matrix against the shape
    ConvShape single = shape.withBatch(1);
    if (single.stride() != 1 || filters.density() > KernelParameters.SPARSE_CONV_SHIFTED_MAX_DENSITY) {
      return new SparseConvolution(filters, single, null);
    }
    CsrArrays a = filters.arrays();
    int kk = single.kernelHeight() * single.kernelWidth(), kw = single.kernelWidth();
    int hp = single.inHeight() + 2 * single.padding(), wp = single.inWidth() + 2 * single.padding();
    int[] offsets = new int[a.nonZeros()];
    for (int p = 0; p < offsets.length; p++) {
      int tap = a.colIdx()[p];
      offsets[p] = (tap / kk) * hp * wp + (tap % kk / kw) * wp + tap % kw;
    }
    int cols = single.inChannels() * hp * wp;
    return new SparseConvolution(filters, single,
        new CsrArrays(a.rows(), cols, a.rowPtr(), offsets, a.values(), new int[0], offsets));
  }

  /** The filter matrix. */
  public CsrMatrix filters() {
    return filters;
  }

  /** The layer's geometry for one image. */
  public ConvShape shape() {
    return single;
  }

  /** Whether the im2col-free stride-1 path runs (stride 1, density at most the shifted threshold). */
  public boolean shiftedRuns() {
    return shifted != null;
  }

  /** Floats of workspace {@link #forward} needs, whatever the batch. */
  public int workspaceSize() {
    long n = shifted != null ? IMPL.convShiftedWorkspaceSize(shifted, single)
        : SparseBlas.convWorkspaceSize(filters, single);
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("convolution workspace of " + n + " floats exceeds a Java array");
    }
    return (int) Math.max(1, n);
  }

  /**
   * {@code y = conv(x, W) + bias} for {@code batch} images (NCHW).
   *
   * @param x Not modified. batch × inC × H × W floats.
   * @param bias Not modified. outC floats, or null.
   * @param y Modified. batch × outC × oh × ow floats, overwritten.
   * @param workspace Modified. At least {@link #workspaceSize()} floats.
   * @throws IllegalArgumentException on a batch below 1 or short arrays
   */
  public void forward(int batch, float[] x, float[] bias, float[] y, float[] workspace) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
    if (shifted == null) {
      SparseBlas.convForward(filters, single, batch, x, bias, y, workspace);
      return;
    }
    ArrayChecks.range("x", x, 0, (long) batch * single.inputSize());
    if (bias != null) {
      ArrayChecks.range("bias", bias, 0, single.outChannels());
    }
    ArrayChecks.range("y", y, 0, (long) batch * single.outputSize());
    ArrayChecks.range("workspace", workspace, 0, IMPL.convShiftedWorkspaceSize(shifted, single));
    IMPL.convForwardShifted(shifted, single, batch, x, bias, y, workspace);
  }
}
