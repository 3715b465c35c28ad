package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;
import org.admm4j.kernels.ConvShape;
import org.junit.jupiter.api.Test;

/**
 * Both Winograd implementations against a direct double-accumulating convolution on random inputs: odd
 * planes whose last tile sticks out, every padding up to 2, channel counts off the register tiles, blocks
 * that cross samples or hold less than one tile row.
 */
class WinogradSupportTest extends KernelTestCase {

  private static final int[] PLANES = {1, 2, 3, 5, 7, 14, 28, 31};
  private static final int[] CHANNELS = {1, 3, 5, 16, 33, 64};
  private static final float SENTINEL = 12345.5f;
  private static final int TAIL = 5;

  /** Every method of the interface is exercised by {@link #check}. */
  @Test
  void everyMethodIsChecked() {
    Set<String> declared = new TreeSet<>();
    for (Method m : WinogradSupport.class.getDeclaredMethods()) {
      declared.add(m.getName());
    }
    assertEquals(Set.of("prepare", "workspaceSize", "forward"), declared);
  }

  @Test
  void everyPlaneAndPadding() {
    for (KernelProvider p : providers()) {
      for (int h : PLANES) {
        for (int w : PLANES) {
          for (int pad = 0; pad <= 2; pad++) {
            if (h + 2 * pad < 3 || w + 2 * pad < 3) {
              continue;
            }
            check(p.winograd(), new ConvShape(3, 3, h, w, 5, 3, 3, 1, pad), (h + w + pad) % 2 == 0,
                (h + pad) % 3 != 0);
          }
        }
      }
    }
  }

  @Test
  void everyChannelCount() {
    for (KernelProvider p : providers()) {
      for (int ic : CHANNELS) {
        for (int oc : CHANNELS) {
          int batch = (ic + oc) % 2 == 0 ? 1 : 3;
          check(p.winograd(), new ConvShape(batch, ic, 7, 5, oc, 3, 3, 1, 1), ic % 2 == 1, oc != 5);
        }
      }
    }
  }

  /** The convnet's and a ResNet's layers; at batch 3 their blocks cross samples and end part-full. */
  @Test
  void networkLayers() {
    ConvShape[] layers = {
      new ConvShape(3, 1, 28, 28, 32, 3, 3, 1, 1),
      new ConvShape(3, 32, 28, 28, 32, 3, 3, 1, 1),
      new ConvShape(3, 32, 14, 14, 64, 3, 3, 1, 1),
      new ConvShape(3, 64, 14, 14, 64, 3, 3, 1, 1),
      new ConvShape(3, 3, 32, 32, 16, 3, 3, 1, 1),
      new ConvShape(1, 16, 32, 32, 16, 3, 3, 1, 1),
      // one tile row is more than a block
      new ConvShape(2, 64, 3, 301, 64, 3, 3, 1, 1),
    };
    for (KernelProvider p : providers()) {
      for (ConvShape s : layers) {
        check(p.winograd(), s, true, true);
        check(p.winograd(), s, false, false);
      }
    }
  }

  /** Tiles are independent: a batch gives the bits of its samples run one by one. */
  @Test
  void batchMatchesSamplesBitForBit() {
    ConvShape s = new ConvShape(5, 16, 14, 13, 24, 3, 3, 1, 1);
    for (KernelProvider p : providers()) {
      WinogradSupport impl = p.winograd();
      WinogradPlan plan = impl.prepare(s, randomFloats(s.weightSize()));
      float[] x = randomFloats(s.inputSize());
      float[] bias = randomFloats(s.outChannels());
      float[] ws = poisoned((int) impl.workspaceSize(plan, s.batch()));
      float[] all = poisoned(s.outputSize());
      impl.forward(plan, s.batch(), x, bias, true, all, ws);
      int in = s.inputSize() / s.batch(), out = s.outputSize() / s.batch();
      for (int b = 0; b < s.batch(); b++) {
        float[] one = poisoned(out);
        float[] xb = java.util.Arrays.copyOfRange(x, b * in, (b + 1) * in);
        // a workspace sized for the whole batch serves one sample too
        impl.forward(plan, 1, xb, bias, true, one, ws);
        assertArrayEquals(java.util.Arrays.copyOfRange(all, b * out, (b + 1) * out), one, p.name() + " sample " + b);
      }
    }
  }

  /**
   * One call on fresh inputs with y and the workspace poisoned, y followed by a sentinel tail; each output
   * within 1e-5 of the sum of its terms' magnitudes (Winograd's transforms round more than a direct sum).
   */
  private void check(WinogradSupport impl, ConvShape s, boolean withBias, boolean relu) {
    float[] w = randomFloats(s.weightSize());
    float[] x = randomFloats(s.inputSize());
    float[] bias = withBias ? randomFloats(s.outChannels()) : null;
    WinogradPlan plan = impl.prepare(s, w);
    float[] ws = poisoned((int) impl.workspaceSize(plan, s.batch()));
    float[] y = poisoned(s.outputSize() + TAIL);
    for (int i = s.outputSize(); i < y.length; i++) {
      y[i] = SENTINEL;
    }
    impl.forward(plan, s.batch(), x, bias, relu, y, ws);
    double[] expected = new double[s.outputSize()];
    double[] magnitude = new double[s.outputSize()];
    reference(s, x, w, bias, expected, magnitude);
    for (int i = 0; i < expected.length; i++) {
      double want = relu ? Math.max(expected[i], 0) : expected[i];
      double tol = 1e-5 * magnitude[i] + 1e-7;
      if (!(Math.abs(y[i] - want) <= tol)) {
        fail(impl.getClass().getSimpleName() + " " + s + " bias " + withBias + " relu " + relu + " at " + i
            + ": expected " + want + " got " + y[i] + " (tolerance " + tol + ")");
      }
    }
    for (int i = s.outputSize(); i < y.length; i++) {
      assertEquals(SENTINEL, y[i], "written past y's end: " + s);
    }
    assertTrue(plan.shape().batch() == 1);
  }

  /** Direct convolution in double, and the sum of |bias| + Σ|x·w| of each output. */
  private static void reference(ConvShape s, float[] x, float[] w, float[] bias, double[] y, double[] magnitude) {
    int oh = s.outHeight(), ow = s.outWidth(), h = s.inHeight(), wd = s.inWidth();
    for (int b = 0; b < s.batch(); b++) {
      for (int o = 0; o < s.outChannels(); o++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double sum = bias == null ? 0 : bias[o];
            double abs = Math.abs(sum);
            for (int c = 0; c < s.inChannels(); c++) {
              for (int p = 0; p < 3; p++) {
                for (int q = 0; q < 3; q++) {
                  int r = i - s.padding() + p, col = j - s.padding() + q;
                  if (r >= 0 && r < h && col >= 0 && col < wd) {
                    double term = (double) x[((b * s.inChannels() + c) * h + r) * wd + col]
                        * w[((o * s.inChannels() + c) * 3 + p) * 3 + q];
                    sum += term;
                    abs += Math.abs(term);
                  }
                }
              }
            }
            int at = ((b * s.outChannels() + o) * oh + i) * ow + j;
            y[at] = sum;
            magnitude[at] = abs;
          }
        }
      }
    }
  }
}
