package org.admm4j.kernels;

import static org.admm4j.kernels.CsrMatrixTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The prepared sparse convolution against the dense one, on both of its paths. */
class SparseConvolutionTest {

  private final Random random = new Random(345);

  private float[] values(int n, double density) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = random.nextDouble() < density ? random.nextFloat() * 2 - 1 : 0f;
    }
    return w;
  }

  @Test
  void matchesTheDenseConvolutionForEveryBatch() {
    ConvShape[] shapes = {
      new ConvShape(1, 1, 28, 28, 20, 5, 5, 1, 0),
      new ConvShape(1, 20, 12, 12, 50, 5, 5, 1, 0),
      new ConvShape(1, 3, 11, 10, 6, 3, 3, 1, 1),
      new ConvShape(1, 3, 11, 10, 6, 3, 3, 2, 1), // stride 2: the im2col path
    };
    for (ConvShape layer : shapes) {
      int taps = layer.inChannels() * layer.kernelHeight() * layer.kernelWidth();
      float[] filters = values(layer.weightSize(), 0.1);
      SparseConvolution conv = SparseConvolution.of(CsrMatrix.fromDense(layer.outChannels(), taps, filters), layer);
      assertEquals(layer.stride() == 1, conv.shiftedRuns());
      // the same layer denser than the shifted threshold: the im2col path
      float[] dense = values(layer.weightSize(), 0.5);
      assertFalse(SparseConvolution.of(CsrMatrix.fromDense(layer.outChannels(), taps, dense), layer).shiftedRuns());
      float[] workspace = new float[conv.workspaceSize()];
      for (int batch : new int[] {1, 3}) {
        ConvShape s = layer.withBatch(batch);
        float[] x = values(s.inputSize(), 1);
        float[] bias = values(layer.outChannels(), 1);
        float[] expected = new float[s.outputSize()];
        Convolution.forward(s, x, filters, bias, expected, new float[Math.max(1, Convolution.workspaceSize(s))]);
        float[] y = new float[s.outputSize()];
        Arrays.fill(y, Float.NaN);
        Arrays.fill(workspace, Float.NaN);
        conv.forward(batch, x, bias, y, workspace);
        for (int i = 0; i < y.length; i++) {
          assertEquals(expected[i], y[i], 1e-4, layer + " batch " + batch + " at " + i);
        }
      }
    }
  }

  @Test
  void checksItsArguments() {
    ConvShape s = new ConvShape(1, 2, 6, 6, 3, 3, 3, 1, 0);
    CsrMatrix w = CsrMatrix.fromDense(3, 18, values(54, 0.1));
    SparseConvolution conv = SparseConvolution.of(w, s);
    float[] ws = new float[conv.workspaceSize()];
    assertMessage("filter matrix is 3×18 but the shape needs 3×8",
        () -> SparseConvolution.of(w, new ConvShape(1, 2, 6, 6, 3, 2, 2, 1, 0)));
    assertMessage("x needs 144 floats", () -> conv.forward(2, new float[72], null, new float[96], ws));
    assertMessage("y needs 96 floats", () -> conv.forward(2, new float[144], null, new float[95], ws));
    assertMessage("workspace needs", () -> conv.forward(1, new float[72], null, new float[48], new float[1]));
    assertMessage("batch must be at least 1", () -> conv.forward(0, new float[72], null, new float[48], ws));
    assertFalse(SparseConvolution.of(w, new ConvShape(1, 2, 6, 6, 3, 3, 3, 2, 0)).shiftedRuns());
    assertTrue(conv.shiftedRuns());
  }
}
