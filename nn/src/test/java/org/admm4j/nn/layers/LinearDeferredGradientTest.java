package org.admm4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Linear#addWeightGradient}: any element range, partial rows included, gives the bits that
 * backward's own weight gradient has; overwriting with one context and adding a second gives the bits
 * of summing the two gradients (the data-parallel trainer's contract); a deferred backward leaves the
 * weight gradient alone.
 */
class LinearDeferredGradientTest {

  private static final int IN = 37;
  private static final int OUT = 23;

  @Test
  void rangesMatchBackwardBitForBit() {
    Random random = new Random(5);
    Linear layer = new Linear("fc", IN, OUT, new SplittableRandom(3));
    float[][] plainGrads = {new float[IN * OUT], new float[OUT]};
    float[][] deferredGrads = {new float[IN * OUT], new float[OUT]};
    Layer.Context plain = layer.newContext(9, plainGrads);
    Layer.Context deferred = layer.newContext(9, deferredGrads);
    layer.deferWeightGradient(deferred);
    float[] x = gaussian(random, 9 * IN), dy = gaussian(random, 9 * OUT);
    java.util.Arrays.fill(deferredGrads[0], Float.NaN);
    for (Layer.Context c : new Layer.Context[] {plain, deferred}) {
      layer.forward(c, x, 7, true);
      layer.backward(c, dy, 7, true);
    }
    for (float g : deferredGrads[0]) {
      assertEquals(Float.floatToRawIntBits(Float.NaN), Float.floatToRawIntBits(g), "deferred backward wrote dW");
    }
    for (int[] r : new int[][] {{0, IN * OUT}, {5, 6}, {3, 30}, {IN - 1, IN + 1}, {IN, 3 * IN}, {10, 5 * IN + 7},
        {IN * OUT - 4, IN * OUT}, {8, 8}}) {
      float[] dw = new float[IN * OUT];
      java.util.Arrays.fill(dw, Float.NaN);
      layer.addWeightGradient(deferred, dw, r[0], r[1], true);
      for (int i = 0; i < IN * OUT; i++) {
        int want = i >= r[0] && i < r[1] ? Float.floatToRawIntBits(plainGrads[0][i])
            : Float.floatToRawIntBits(Float.NaN);
        assertEquals(want, Float.floatToRawIntBits(dw[i]), "element " + i + " of range " + r[0] + ".." + r[1]);
      }
    }
    assertThrows(IllegalArgumentException.class,
        () -> layer.addWeightGradient(deferred, new float[IN * OUT], 4, IN * OUT + 1, true));
  }

  @Test
  void overwriteThenAddIsTheSumOfTwoShards() {
    Random random = new Random(8);
    Linear layer = new Linear("fc", IN, OUT, new SplittableRandom(4));
    float[][] g0 = {new float[IN * OUT], new float[OUT]}, g1 = {new float[IN * OUT], new float[OUT]};
    Layer.Context a = layer.newContext(6, g0), b = layer.newContext(6, g1);
    Layer.Context da = layer.newContext(6, new float[][] {new float[IN * OUT], new float[OUT]});
    Layer.Context db = layer.newContext(6, new float[][] {new float[IN * OUT], new float[OUT]});
    layer.deferWeightGradient(da);
    layer.deferWeightGradient(db);
    float[] xa = gaussian(random, 6 * IN), ya = gaussian(random, 6 * OUT);
    float[] xb = gaussian(random, 6 * IN), yb = gaussian(random, 6 * OUT);
    layer.forward(a, xa, 6, true);
    layer.backward(a, ya, 6, false);
    layer.forward(b, xb, 5, true);
    layer.backward(b, yb, 5, false);
    layer.forward(da, xa, 6, true);
    layer.backward(da, ya, 6, false);
    layer.forward(db, xb, 5, true);
    layer.backward(db, yb, 5, false);
    float[] sum = new float[IN * OUT];
    layer.addWeightGradient(da, sum, 0, 100, true);
    layer.addWeightGradient(db, sum, 0, 100, false);
    layer.addWeightGradient(da, sum, 100, IN * OUT, true);
    layer.addWeightGradient(db, sum, 100, IN * OUT, false);
    for (int i = 0; i < IN * OUT; i++) {
      assertEquals(Float.floatToRawIntBits(g0[0][i] + g1[0][i]), Float.floatToRawIntBits(sum[i]), "element " + i);
    }
  }

  private static float[] gaussian(Random random, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) random.nextGaussian();
    }
    return a;
  }
}
