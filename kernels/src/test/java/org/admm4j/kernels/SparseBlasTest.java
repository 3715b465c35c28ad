package org.admm4j.kernels;

import static org.admm4j.kernels.CsrMatrixTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The facade: argument checks, and the chosen implementation against the dense kernels. */
class SparseBlasTest {

  private final Random random = new Random(345);

  private float[] pruned(int n, double density) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = random.nextDouble() < density ? random.nextFloat() + 0.01f : 0f;
    }
    return w;
  }

  private float[] randoms(int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextFloat() * 2 - 1;
    }
    return x;
  }

  @Test
  void linearAgreesWithDenseGemm() {
    int out = 30, in = 41;
    for (int batch : new int[] {1, 2, 5, 64}) {
      float[] dense = pruned(out * in, 0.1);
      CsrMatrix w = CsrMatrix.fromDense(out, in, dense);
      float[] x = randoms(batch * in);
      float[] bias = randoms(out);
      float[] y = new float[batch * out];
      Arrays.fill(y, Float.NaN);
      SparseBlas.linear(w, batch, x, bias, y, new float[SparseBlas.linearWorkspaceSize(w, batch)]);
      float[] expected = new float[batch * out];
      Blas.gemm(Transpose.N, Transpose.T, batch, out, in, x, dense, expected);
      for (int s = 0; s < batch; s++) {
        for (int r = 0; r < out; r++) {
          assertEquals(expected[s * out + r] + bias[r], y[s * out + r], 1e-4, "batch " + batch + " at " + s + "," + r);
        }
      }
      // batch-1 SpMV gives the same as the first sample
      float[] one = new float[out + 1];
      one[out] = 7f;
      SparseBlas.mult(w, x, 0, bias, one, 0);
      for (int r = 0; r < out; r++) {
        assertEquals(y[r], one[r], 1e-5);
      }
      assertEquals(7f, one[out]);
    }
  }

  @Test
  void convAgreesWithDenseConvolution() {
    ConvShape s = new ConvShape(2, 20, 12, 12, 50, 5, 5, 1, 0);
    float[] filters = pruned(s.weightSize(), 0.05);
    CsrMatrix w = CsrMatrix.fromDense(50, 500, filters);
    float[] x = randoms(s.inputSize());
    float[] bias = randoms(50);
    float[] expected = new float[s.outputSize()];
    Convolution.forward(s, x, filters, bias, expected, new float[Math.max(1, Convolution.workspaceSize(s))]);
    float[] y = new float[s.outputSize()];
    Arrays.fill(y, Float.NaN);
    SparseBlas.convForward(w, s, x, bias, y, new float[SparseBlas.convWorkspaceSize(w, s)]);
    for (int i = 0; i < y.length; i++) {
      assertEquals(expected[i], y[i], 1e-4, "at " + i);
    }
  }

  @Test
  void multDenseChecksArguments() {
    CsrMatrix w = CsrMatrix.fromDense(2, 3, new float[] {1, 0, 2, 0, 3, 0});
    float[] b = randoms(3 * 4), c = new float[2 * 4];
    SparseBlas.multDense(w, 4, b, 0, 4, null, c, 0, 4);
    assertEquals(b[0] + 2 * b[8], c[0], 1e-6);
    assertEquals(3 * b[7], c[7], 1e-6);
    assertMessage("B needs 13 floats", () -> SparseBlas.multDense(w, 4, b, 1, 4, null, c, 0, 4));
    assertMessage("ldc = 3 is less than the 4 columns", () -> SparseBlas.multDense(w, 4, b, 0, 4, null, c, 0, 3));
    assertMessage("negative n", () -> SparseBlas.multDense(w, -1, b, 0, 4, null, c, 0, 4));
    assertMessage("bias needs 2 floats", () -> SparseBlas.multDense(w, 4, b, 0, 4, new float[1], c, 0, 4));
  }

  @Test
  void otherEntryPointsCheckArguments() {
    CsrMatrix w = CsrMatrix.fromDense(2, 3, new float[] {1, 0, 2, 0, 3, 0});
    assertMessage("x needs 3 floats", () -> SparseBlas.mult(w, new float[3], 1, null, new float[2], 0));
    assertMessage("y needs 2 floats", () -> SparseBlas.mult(w, new float[3], 0, null, new float[1], 0));
    assertMessage("x needs 24 floats", () -> SparseBlas.linear(w, 8, new float[23], null, new float[16],
        new float[SparseBlas.linearWorkspaceSize(w, 8)]));
    // 64 samples take the transposed layout on every implementation, which needs a workspace
    assertTrue(SparseBlas.linearWorkspaceSize(w, 64) > 0);
    assertMessage("workspace needs", () -> SparseBlas.linear(w, 64, new float[192], null, new float[128], new float[1]));
    ConvShape s = new ConvShape(1, 1, 4, 4, 2, 2, 2, 1, 0);
    CsrMatrix wrong = CsrMatrix.fromDense(2, 3, new float[6]);
    assertMessage("filter matrix is 2×3 but the shape needs 2×4",
        () -> SparseBlas.convForward(wrong, s, new float[16], null, new float[18], new float[100]));
  }

  @Test
  void densityDecidesThePath() {
    assertTrue(SparseBlas.prefersSparseLinear(CsrMatrix.fromDense(1, 40, pruned(40, 0))));
    assertFalse(SparseBlas.prefersSparseLinear(CsrMatrix.fromDense(10, 10, pruned(100, 1))));
    assertFalse(SparseBlas.prefersSparseConv(CsrMatrix.fromDense(10, 10, pruned(100, 1))));
  }
}
