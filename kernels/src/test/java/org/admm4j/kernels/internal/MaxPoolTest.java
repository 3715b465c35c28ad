package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.admm4j.kernels.PoolShape;
import org.junit.jupiter.api.Test;

/** Max-pool forward and backward of both sets against {@link ConvReference}, ties included. */
class MaxPoolTest extends KernelTestCase {

  private static final PoolShape[] SHAPES = {
    new PoolShape(1, 1, 1, 1, 1, 1),
    new PoolShape(1, 1, 4, 4, 2, 2),
    new PoolShape(2, 3, 7, 9, 2, 2),
    new PoolShape(3, 20, 24, 24, 2, 2),
    new PoolShape(1, 2, 7, 7, 3, 2),
    new PoolShape(2, 1, 5, 6, 3, 3),
    new PoolShape(1, 2, 6, 5, 2, 1),
    new PoolShape(2, 50, 8, 8, 2, 2),
    new PoolShape(1, 2, 9, 40, 2, 2),
    new PoolShape(1, 3, 6, 70, 2, 2),
  };

  /** Values from {-1, 0, 1}: most windows hold ties; the first maximum in row-major order must win. */
  @Test
  void forwardPicksFirstMaximumOnTies() {
    for (KernelProvider provider : providers()) {
      for (PoolShape s : SHAPES) {
        float[] x = new float[s.inputSize()];
        for (int i = 0; i < x.length; i++) {
          x[i] = random.nextInt(3) - 1;
        }
        check(provider, s, x);
      }
    }
  }

  @Test
  void forwardMatchesReference() {
    for (KernelProvider provider : providers()) {
      for (PoolShape s : SHAPES) {
        check(provider, s, randomFloats(s.inputSize()));
      }
    }
  }

  private void check(KernelProvider provider, PoolShape s, float[] x) {
    float[] y = poisoned(s.outputSize());
    int[] argmax = new int[s.outputSize()];
    java.util.Arrays.fill(argmax, -7);
    provider.convolution().maxPoolForward(s, x, y, argmax);
    int[] want = ConvReference.maxPoolArgmax(s, x);
    assertArrayEquals(want, argmax, provider.name() + " argmax " + s);
    for (int i = 0; i < want.length; i++) {
      assertEquals(x[want[i]], y[i], provider.name() + " y[" + i + "] " + s);
    }
  }

  /** Overlapping windows (stride &lt; size) send several gradients to one input: they must add up. */
  @Test
  void backwardSumsIntoArgmax() {
    for (KernelProvider provider : providers()) {
      for (PoolShape s : SHAPES) {
        float[] x = randomFloats(s.inputSize());
        int[] argmax = ConvReference.maxPoolArgmax(s, x);
        float[] dy = randomFloats(s.outputSize());
        double[] want = new double[s.inputSize()];
        for (int i = 0; i < argmax.length; i++) {
          want[argmax[i]] += dy[i];
        }
        float[] dx = poisoned(s.inputSize());
        provider.convolution().maxPoolBackward(s, dy, argmax, dx);
        for (int i = 0; i < want.length; i++) {
          assertEquals(want[i], dx[i], 1e-6, provider.name() + " dx[" + i + "] " + s);
        }
      }
    }
  }
}
