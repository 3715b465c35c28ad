package org.admm4j.kernels;

import org.admm4j.kernels.internal.ElementwiseSupport;
import org.admm4j.kernels.internal.KernelProvider;

/** Element-wise ops and reductions on {@code float[]} ranges. */
public final class Elementwise {

  private static final ElementwiseSupport IMPL = KernelProvider.getInstance().elementwise();

  private Elementwise() {}

  /** {@code y[i] = max(x[i], 0)}; x Not modified, y Modified (may be x). */
  public static void relu(int n, float[] x, int xOff, float[] y, int yOff) {
    ArrayChecks.range("x", x, xOff, n);
    ArrayChecks.range("y", y, yOff, n);
    IMPL.relu(n, x, xOff, y, yOff);
  }

  /** {@code dx[i] = y[i] > 0 ? dy[i] : 0}; dx Modified (may be dy). */
  public static void reluBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
    ArrayChecks.range("y", y, yOff, n);
    ArrayChecks.range("dy", dy, dyOff, n);
    ArrayChecks.range("dx", dx, dxOff, n);
    IMPL.reluBackward(n, y, yOff, dy, dyOff, dx, dxOff);
  }

  /** {@code y[r·cols + c] += bias[c]}: one bias per column of a rows×cols matrix. */
  public static void addRowBias(int rows, int cols, float[] bias, float[] y, int yOff) {
    ArrayChecks.range("bias", bias, 0, cols);
    ArrayChecks.range("y", y, yOff, (long) rows * cols);
    IMPL.addRowBias(rows, cols, bias, y, yOff);
  }

  /** {@code y[c·spatial + s] += bias[c]}: one bias per channel plane of an NCHW sample. */
  public static void addChannelBias(int channels, int spatial, float[] bias, float[] y, int yOff) {
    ArrayChecks.range("bias", bias, 0, channels);
    ArrayChecks.range("y", y, yOff, (long) channels * spatial);
    IMPL.addChannelBias(channels, spatial, bias, y, yOff);
  }

  /** {@code db[c] += Σ_s dy[c·spatial + s]}. */
  public static void accumulateChannelSums(int channels, int spatial, float[] dy, int dyOff, float[] db) {
    ArrayChecks.range("dy", dy, dyOff, (long) channels * spatial);
    ArrayChecks.range("db", db, 0, channels);
    IMPL.accumulateChannelSums(channels, spatial, dy, dyOff, db);
  }

  /** {@code y[i] += alpha·x[i]}. */
  public static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    ArrayChecks.range("x", x, xOff, n);
    ArrayChecks.range("y", y, yOff, n);
    IMPL.axpy(n, alpha, x, xOff, y, yOff);
  }

  /** {@code x[i] *= alpha}. */
  public static void scale(int n, float alpha, float[] x, int xOff) {
    ArrayChecks.range("x", x, xOff, n);
    IMPL.scale(n, alpha, x, xOff);
  }

  /** {@code Σ x[i]·y[i]}. */
  public static float dot(int n, float[] x, int xOff, float[] y, int yOff) {
    ArrayChecks.range("x", x, xOff, n);
    ArrayChecks.range("y", y, yOff, n);
    return IMPL.dot(n, x, xOff, y, yOff);
  }

  /** {@code Σ x[i]²}. */
  public static float sumOfSquares(int n, float[] x, int xOff) {
    ArrayChecks.range("x", x, xOff, n);
    return IMPL.sumOfSquares(n, x, xOff);
  }

  /** {@code Σ (x[i] − mean)²}. */
  public static float sumOfSquaredDeviations(int n, float[] x, int xOff, float mean) {
    ArrayChecks.range("x", x, xOff, n);
    return IMPL.sumOfSquaredDeviations(n, x, xOff, mean);
  }

  /** {@code Σ dy[i]·(x[i] − mean)}. */
  public static float dotDeviations(int n, float[] dy, int dyOff, float[] x, int xOff, float mean) {
    ArrayChecks.range("dy", dy, dyOff, n);
    ArrayChecks.range("x", x, xOff, n);
    return IMPL.dotDeviations(n, dy, dyOff, x, xOff, mean);
  }

  /** {@code y[i] = scale·x[i] + shift}; y Modified (may be x). */
  public static void affine(int n, float scale, float shift, float[] x, int xOff, float[] y, int yOff) {
    ArrayChecks.range("x", x, xOff, n);
    ArrayChecks.range("y", y, yOff, n);
    IMPL.affine(n, scale, shift, x, xOff, y, yOff);
  }

  /** {@code dx[i] = a·dy[i] + b·x[i] + c}; dx Modified (may be dy). */
  public static void affineGradient(int n, float a, float[] dy, int dyOff, float b, float[] x, int xOff, float c,
      float[] dx, int dxOff) {
    ArrayChecks.range("dy", dy, dyOff, n);
    ArrayChecks.range("x", x, xOff, n);
    ArrayChecks.range("dx", dx, dxOff, n);
    IMPL.affineGradient(n, a, dy, dyOff, b, x, xOff, c, dx, dxOff);
  }
}
