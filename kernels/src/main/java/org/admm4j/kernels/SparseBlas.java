package org.admm4j.kernels;

import org.admm4j.kernels.internal.CsrArrays;
import org.admm4j.kernels.internal.KernelProvider;
import org.admm4j.kernels.internal.SparseSupport;

/**
 * Pruned layers at inference: a sparse weight matrix W ({@link CsrMatrix}) times dense activations.
 * Each call runs on the calling thread and allocates nothing: callers own the outputs and a workspace
 * sized by {@link #linearWorkspaceSize} or {@link #convWorkspaceSize}, typically one per thread. Whether a
 * layer is worth running sparse at all is {@link #prefersSparseLinear} / {@link #prefersSparseConv}. For a
 * convolution layer run many times, {@link SparseConvolution} prepares the filters once and skips im2col
 * at stride 1.
 */
public final class SparseBlas {

  private static final SparseSupport IMPL = KernelProvider.getInstance().sparse();

  private SparseBlas() {}

  /**
   * <pre>y = W·x + bias,   y_r = bias_r + Σ_c W_rc·x_c</pre>
   *
   * @param x Not modified. cols floats from xOff.
   * @param bias Not modified. rows floats, or null for none.
   * @param y Modified. rows floats from yOff, overwritten.
   * @throws IllegalArgumentException when an array is too short
   */
  public static void mult(CsrMatrix w, float[] x, int xOff, float[] bias, float[] y, int yOff) {
    ArrayChecks.range("x", x, xOff, w.cols());
    checkBias(w, bias);
    ArrayChecks.range("y", y, yOff, w.rows());
    IMPL.spmv(w.arrays(), x, xOff, bias, y, yOff);
  }

  /**
   * <pre>C = W·B + bias·1ᵀ,   c_rj = bias_r + Σ_k W_rk·b_kj</pre>
   * B is cols × n with row stride ldb, C rows × n with row stride ldc: the product of a pruned filter
   * matrix with im2col columns, or of a fully connected layer with transposed activations.
   *
   * @param b Not modified.
   * @param bias Not modified. rows floats, or null.
   * @param c Modified. Overwritten.
   * @throws IllegalArgumentException on a negative n, short strides or short arrays
   */
  public static void multDense(CsrMatrix w, int n, float[] b, int bOff, int ldb, float[] bias,
      float[] c, int cOff, int ldc) {
    if (n < 0) {
      throw new IllegalArgumentException("negative n: " + n);
    }
    checkMatrix("B", b, bOff, ldb, w.cols(), n);
    checkBias(w, bias);
    checkMatrix("C", c, cOff, ldc, w.rows(), n);
    if (n == 0) {
      return;
    }
    CsrArrays a = w.arrays();
    IMPL.spmm(a, a.colIdx(), n, b, bOff, ldb, bias, c, cOff, ldc);
  }

  /** Floats of workspace {@link #linear} needs for {@code batch} samples (0 for small batches). */
  public static int linearWorkspaceSize(CsrMatrix w, int batch) {
    if (batch < 0) {
      throw new IllegalArgumentException("negative batch: " + batch);
    }
    return toInt(IMPL.linearWorkspaceSize(w.arrays(), batch), "linear workspace");
  }

  /**
   * A fully connected layer over a batch:
   * <pre>Y = X·Wᵀ + 1·biasᵀ,   y_sr = bias_r + Σ_c x_sc·W_rc</pre>
   *
   * @param x Not modified. batch × cols, row-major.
   * @param bias Not modified. rows floats, or null.
   * @param y Modified. batch × rows, row-major, overwritten.
   * @param workspace Modified. At least {@link #linearWorkspaceSize} floats; may be null when that is 0.
   * @throws IllegalArgumentException on a negative batch or short arrays
   */
  public static void linear(CsrMatrix w, int batch, float[] x, float[] bias, float[] y, float[] workspace) {
    int need = linearWorkspaceSize(w, batch);
    ArrayChecks.range("x", x, 0, (long) batch * w.cols());
    checkBias(w, bias);
    ArrayChecks.range("y", y, 0, (long) batch * w.rows());
    if (need > 0) {
      ArrayChecks.range("workspace", workspace, 0, need);
    }
    IMPL.linear(w.arrays(), batch, x, bias, y, workspace);
  }

  /** Floats of workspace {@link #convForward} needs (one image's im2col rows for the active filter taps). */
  public static int convWorkspaceSize(CsrMatrix w, ConvShape shape) {
    checkFilters(w, shape);
    return toInt(IMPL.convWorkspaceSize(w.arrays(), shape), "convolution workspace");
  }

  /**
   * A convolution with pruned filters, {@code y = conv(x, W) + bias} over NCHW tensors (see
   * {@link ConvShape}); W is the filter tensor [outC, inC, kh, kw] flattened to outC × inC·kh·kw.
   *
   * @param x Not modified. shape.inputSize() floats.
   * @param bias Not modified. outC floats, or null.
   * @param y Modified. shape.outputSize() floats, overwritten.
   * @param workspace Modified. At least {@link #convWorkspaceSize} floats.
   * @throws IllegalArgumentException when W does not match the shape or an array is too short
   */
  public static void convForward(CsrMatrix w, ConvShape shape, float[] x, float[] bias, float[] y,
      float[] workspace) {
    convForward(w, shape, shape.batch(), x, bias, y, workspace);
  }

  /** {@link #convForward(CsrMatrix, ConvShape, float[], float[], float[], float[])} over {@code batch} images, ignoring shape's batch. */
  static void convForward(CsrMatrix w, ConvShape shape, int batch, float[] x, float[] bias, float[] y,
      float[] workspace) {
    int need = convWorkspaceSize(w, shape);
    ArrayChecks.range("x", x, 0, (long) batch * (shape.inputSize() / shape.batch()));
    checkBias(w, bias);
    ArrayChecks.range("y", y, 0, (long) batch * (shape.outputSize() / shape.batch()));
    if (need > 0) {
      ArrayChecks.range("workspace", workspace, 0, need);
    }
    IMPL.convForward(w.arrays(), shape, batch, x, bias, y, workspace);
  }

  /**
   * Whether a fully connected layer with these weights should run on the sparse kernels rather than the
   * dense SGEMM: density at most {@link KernelParameters#SPARSE_LINEAR_MAX_DENSITY}.
   */
  public static boolean prefersSparseLinear(CsrMatrix w) {
    return w.density() <= KernelParameters.SPARSE_LINEAR_MAX_DENSITY;
  }

  /** Whether a convolution should run sparse: density at most {@link KernelParameters#SPARSE_CONV_MAX_DENSITY}. */
  public static boolean prefersSparseConv(CsrMatrix w) {
    return w.density() <= KernelParameters.SPARSE_CONV_MAX_DENSITY;
  }

  private static void checkFilters(CsrMatrix w, ConvShape shape) {
    long taps = (long) shape.inChannels() * shape.kernelHeight() * shape.kernelWidth();
    if (w.rows() != shape.outChannels() || w.cols() != taps) {
      throw new IllegalArgumentException("filter matrix is " + w.rows() + "×" + w.cols() + " but the shape needs "
          + shape.outChannels() + "×" + taps + " (outC × inC·kh·kw)");
    }
  }

  private static void checkBias(CsrMatrix w, float[] bias) {
    if (bias != null) {
      ArrayChecks.range("bias", bias, 0, w.rows());
    }
  }

  private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
    if (x == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    if (ld < cols) {
      throw new IllegalArgumentException("ld" + name.toLowerCase() + " = " + ld + " is less than the " + cols
          + " columns of " + name);
    }
    if (off < 0) {
      throw new IllegalArgumentException(name + " offset is negative: " + off);
    }
    if (rows > 0 && cols > 0 && (long) off + (long) (rows - 1) * ld + cols > x.length) {
      throw new IllegalArgumentException(name + " needs " + ((long) off + (long) (rows - 1) * ld + cols)
          + " floats (" + rows + "×" + cols + ", ld " + ld + ", offset " + off + ") but has " + x.length);
    }
  }

  private static int toInt(long n, String what) {
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(what + " of " + n + " floats exceeds a Java array");
    }
    return (int) n;
  }
}
