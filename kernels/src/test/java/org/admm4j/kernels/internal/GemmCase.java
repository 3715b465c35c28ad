package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;

/**
 * One GEMM problem laid out the hard way: operands at random offsets with leading dimensions longer
 * than their rows, NaN in every A/B float the product must not read, a sentinel in every C float it
 * must not write, and C poisoned with NaN when beta is 0 (random otherwise).
 */
final class GemmCase {

  /** Marks C floats outside the m×n window; any change to one is an out-of-bounds write. */
  static final float SENTINEL = -12345.5f;

  final boolean transA, transB;
  final int m, n, k;
  final float alpha, beta;
  final float[] a, b, c;
  final int aOff, lda, bOff, ldb, cOff, ldc;
  private final float[] cBefore;

  GemmCase(Random random, boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
      boolean padded) {
    this.transA = transA;
    this.transB = transB;
    this.m = m;
    this.n = n;
    this.k = k;
    this.alpha = alpha;
    this.beta = beta;
    int aRows = transA ? k : m, aCols = transA ? m : k;
    int bRows = transB ? n : k, bCols = transB ? k : n;
    aOff = padded ? random.nextInt(5) : 0;
    bOff = padded ? random.nextInt(5) : 0;
    cOff = padded ? random.nextInt(5) : 0;
    lda = Math.max(1, aCols) + (padded ? random.nextInt(4) : 0);
    ldb = Math.max(1, bCols) + (padded ? random.nextInt(4) : 0);
    ldc = Math.max(1, n) + (padded ? random.nextInt(4) : 0);
    a = matrix(random, aOff, lda, aRows, aCols, Float.NaN, false);
    b = matrix(random, bOff, ldb, bRows, bCols, Float.NaN, false);
    c = matrix(random, cOff, ldc, m, n, SENTINEL, beta == 0f);
    cBefore = c.clone();
  }

  /** rows×cols uniform in [-1, 1) inside an array whose other floats (offset, row padding, a tail) hold fill. */
  private static float[] matrix(Random random, int off, int ld, int rows, int cols, float fill,
      boolean poisonWindow) {
    float[] x = new float[off + rows * ld + 7];
    Arrays.fill(x, fill);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        x[off + i * ld + j] = poisonWindow ? Float.NaN : random.nextFloat() * 2f - 1f;
      }
    }
    return x;
  }

  float opA(int i, int p) {
    return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
  }

  float opB(int p, int j) {
    return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
  }

  /** Runs the product on {@code blas} into this case's C. */
  void run(BlasSupport blas, java.util.concurrent.ForkJoinPool pool) {
    blas.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, pool);
  }

  /** Restores C as it was before any run. */
  void reset() {
    System.arraycopy(cBefore, 0, c, 0, c.length);
  }

  /** The double-accumulated answer for C element (i, j). */
  double expected(int i, int j) {
    double sum = 0;
    for (int p = 0; p < k; p++) {
      sum += (double) opA(i, p) * opB(p, j);
    }
    double old = beta == 0f ? 0 : beta * (double) cBefore[cOff + i * ldc + j];
    return alpha * sum + old;
  }

  /** Float rounding of a length-k sum of products of numbers in [-1, 1], plus the beta·C term. */
  double tolerance() {
    return 4e-6 * (k + 4) * Math.max(1, Math.abs(alpha)) + 1e-6;
  }

  /** Checks C against the reference, and that nothing outside the window changed. */
  void verify(String who) {
    double tol = tolerance();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double want = expected(i, j);
        float got = c[cOff + i * ldc + j];
        if (!(Math.abs(got - want) <= tol)) {
          fail(who + " " + this + ": C[" + i + "][" + j + "] = " + got + ", expected " + want
              + " ± " + tol);
        }
      }
    }
    verifyOutside(who);
  }

  /** Checks that only the m×n window of C was written. */
  void verifyOutside(String who) {
    for (int x = 0; x < c.length; x++) {
      int r = (x - cOff) / ldc, col = (x - cOff) % ldc;
      boolean inside = x >= cOff && r < m && col < n;
      if (!inside && c[x] != SENTINEL) {
        fail(who + " " + this + ": C float " + x + " outside the window changed to " + c[x]);
      }
    }
  }

  @Override
  public String toString() {
    return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha
        + " beta=" + beta + " offsets " + aOff + "/" + bOff + "/" + cOff + " ld " + lda + "/" + ldb + "/" + ldc;
  }
}
