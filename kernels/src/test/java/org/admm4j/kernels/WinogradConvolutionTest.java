package org.admm4j.kernels;

import static org.admm4j.kernels.CsrMatrixTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The facade: against {@link Convolution#forward}, and its argument checks. */
class WinogradConvolutionTest {

  private final Random random = new Random(345);

  private float[] values(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextFloat() * 2 - 1;
    }
    return v;
  }

  @Test
  void matchesTheIm2colConvolution() {
    ConvShape s = new ConvShape(3, 32, 14, 14, 64, 3, 3, 1, 1);
    float[] w = values(s.weightSize());
    float[] x = values(s.inputSize());
    float[] bias = values(s.outChannels());
    float[] expected = new float[s.outputSize()];
    Convolution.forward(s, x, w, bias, expected, new float[Math.max(1, Convolution.workspaceSize(s))]);
    WinogradConvolution conv = WinogradConvolution.of(s, w);
    assertEquals(s.withBatch(1), conv.shape());
    float[] workspace = new float[conv.workspaceSize(s.batch())];
    for (boolean relu : new boolean[] {false, true}) {
      float[] y = new float[s.outputSize()];
      Arrays.fill(y, Float.NaN);
      conv.forward(s.batch(), x, bias, relu, y, workspace);
      for (int i = 0; i < y.length; i++) {
        float want = relu ? Math.max(expected[i], 0f) : expected[i];
        // |terms| sum to at most 288·1: 1e-5 of that
        assertEquals(want, y[i], 3e-3, "relu " + relu + " at " + i);
      }
    }
  }

  @Test
  void appliesToThreeByThreeStrideOne() {
    assertTrue(WinogradConvolution.applies(new ConvShape(1, 3, 32, 32, 16, 3, 3, 1, 1)));
    assertTrue(WinogradConvolution.applies(new ConvShape(1, 3, 32, 32, 16, 3, 3, 1, 0)));
    assertFalse(WinogradConvolution.applies(new ConvShape(1, 3, 32, 32, 16, 3, 3, 2, 1)));
    assertFalse(WinogradConvolution.applies(new ConvShape(1, 3, 32, 32, 16, 5, 5, 1, 2)));
    assertFalse(WinogradConvolution.applies(new ConvShape(1, 3, 32, 32, 16, 3, 1, 1, 0)));
    assertFalse(WinogradConvolution.prefers(new ConvShape(1, 3, 32, 32, 16, 5, 5, 1, 2)));
  }

  @Test
  void checksItsArguments() {
    ConvShape s = new ConvShape(1, 2, 6, 6, 3, 3, 3, 1, 1);
    WinogradConvolution conv = WinogradConvolution.of(s, values(54));
    float[] ws = new float[conv.workspaceSize(2)];
    assertMessage("needs a 3×3 kernel with stride 1, got 3×3 with stride 2",
        () -> WinogradConvolution.of(new ConvShape(1, 2, 6, 6, 3, 3, 3, 2, 1), values(54)));
    assertMessage("needs a 3×3 kernel with stride 1, got 5×5 with stride 1",
        () -> WinogradConvolution.of(new ConvShape(1, 2, 6, 6, 3, 5, 5, 1, 1), values(150)));
    assertMessage("weights needs 54 floats", () -> WinogradConvolution.of(s, new float[53]));
    assertMessage("weights is null", () -> WinogradConvolution.of(s, null));
    assertMessage("shape is null", () -> WinogradConvolution.of(null, values(54)));
    assertMessage("x needs 144 floats", () -> conv.forward(2, new float[72], null, false, new float[216], ws));
    assertMessage("y needs 216 floats", () -> conv.forward(2, new float[144], null, false, new float[215], ws));
    assertMessage("bias needs 3 floats", () -> conv.forward(1, new float[72], new float[2], false, new float[108], ws));
    assertMessage("workspace needs", () -> conv.forward(1, new float[72], null, false, new float[108], new float[1]));
    assertMessage("count must be at least 1", () -> conv.forward(0, new float[72], null, false, new float[108], ws));
    assertMessage("batch must be at least 1", () -> conv.workspaceSize(0));
  }
}
