package org.admm4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The GEMM facade: argument checks with clear messages, and products through the chosen kernels. */
class BlasTest {

  private final Random random = new Random(345);

  @Test
  void productThroughTheFacadeOnBothSidesOfTheParallelThreshold() {
    // 20·30·40 stays on the caller's thread; 130·140·150 (above GEMM_PARALLEL_FLOPS) runs on the pool
    int[][] shapes = {{20, 30, 40}, {130, 140, 150}};
    for (int[] s : shapes) {
      int m = s[0], n = s[1], k = s[2];
      assertEquals(m * n * k >= KernelParameters.GEMM_PARALLEL_FLOPS, s[0] == 130);
      float[] a = random(m * k), bt = random(n * k), c = new float[m * n];
      java.util.Arrays.fill(c, Float.NaN);
      Blas.gemm(Transpose.N, Transpose.T, m, n, k, a, bt, c);
      for (int i = 0; i < m; i += 7) {
        for (int j = 0; j < n; j += 5) {
          double want = 0;
          for (int p = 0; p < k; p++) {
            want += (double) a[i * k + p] * bt[j * k + p];
          }
          assertEquals(want, c[i * n + j], 1e-5 * k, "C[" + i + "][" + j + "] of " + m + "×" + n + "×" + k);
        }
      }
    }
  }

  @Test
  void emptyProductsLeaveCAlone() {
    float[] c = {7f};
    Blas.gemm(Transpose.N, Transpose.N, 0, 1, 3, 1f, new float[0], 0, 3, new float[3], 0, 1, 0f, c, 0, 1);
    Blas.gemm(Transpose.N, Transpose.N, 1, 0, 3, 1f, new float[3], 0, 3, new float[0], 0, 1, 0f, c, 0, 1);
    assertEquals(7f, c[0]);
    // k = 0: C = beta·C, and beta 0 clears NaN
    float[] d = {Float.NaN, 2f};
    Blas.gemm(Transpose.N, Transpose.N, 1, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, d, 0, 2);
    assertEquals(0f, d[0]);
    assertEquals(0f, d[1]);
  }

  @Test
  void badArgumentsNameTheProblem() {
    float[] a = new float[6], b = new float[6], c = new float[4];
    assertMessage("negative dimension", () -> Blas.gemm(Transpose.N, Transpose.N, -1, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
    assertMessage("lda = 2 is less than the 3 columns of A",
        () -> Blas.gemm(Transpose.N, Transpose.N, 2, 2, 3, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2));
    assertMessage("B needs 7 floats",
        () -> Blas.gemm(Transpose.N, Transpose.N, 2, 2, 3, 1f, a, 0, 3, b, 1, 2, 0f, c, 0, 2));
    assertMessage("C is null", () -> Blas.gemm(Transpose.N, Transpose.N, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, null, 0, 2));
    assertMessage("transA and transB", () -> Blas.gemm(null, Transpose.N, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
    assertMessage("A offset is negative", () -> Blas.gemm(Transpose.T, Transpose.N, 2, 2, 3, 1f, a, -1, 2, b, 0, 2, 0f, c, 0, 2));
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' should contain '" + part + "'");
  }

  private float[] random(int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextFloat() * 2f - 1f;
    }
    return x;
  }
}
