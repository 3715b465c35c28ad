package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ForkJoinPool;
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
    new PoolShape(3, 5, 13, 27, 2, 2),
    new PoolShape(2, 4, 2, 2, 2, 2),
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
    // inference's call without the argmax: the same bits, nothing written past y's end
    float[] values = poisoned(s.outputSize() + 40);
    provider.convolution().maxPoolValues(s, x, values);
    for (int i = 0; i < values.length; i++) {
      assertEquals(i < y.length ? Float.floatToRawIntBits(y[i]) : Float.floatToRawIntBits(Float.NaN),
          Float.floatToRawIntBits(values[i]), provider.name() + " maxPoolValues y[" + i + "] " + s);
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

  /**
   * Plane ranges: each range writes exactly its planes (the rest stays poisoned) with the same bits as the
   * whole call, forward and backward, ranges starting anywhere (odd planes, single planes, tails).
   */
  @Test
  void planeRangesMatchWholeCall() {
    for (KernelProvider provider : providers()) {
      ConvolutionSupport conv = provider.convolution();
      for (PoolShape s : SHAPES) {
        Sequential r = sequential(conv, s);
        float[] x = r.x(), dy = r.dy(), y = r.y(), dx = r.dx();
        int[] argmax = r.argmax();
        int planes = s.batch() * s.channels();
        int outPlane = s.outHeight() * s.outWidth(), inPlane = s.inHeight() * s.inWidth();
        for (int lo = 0; lo < planes; lo += 1 + random.nextInt(3)) {
          int hi = Math.min(planes, lo + 1 + random.nextInt(4));
          float[] y2 = poisoned(s.outputSize());
          int[] argmax2 = new int[s.outputSize()];
          java.util.Arrays.fill(argmax2, -7);
          conv.maxPoolForwardPlanes(s, x, y2, argmax2, lo, hi);
          float[] dx2 = poisoned(s.inputSize());
          conv.maxPoolBackwardPlanes(s, dy, argmax, dx2, lo, hi);
          String what = provider.name() + " planes [" + lo + ", " + hi + ") of " + s;
          for (int i = 0; i < s.outputSize(); i++) {
            boolean inside = i >= lo * outPlane && i < hi * outPlane;
            assertEquals(inside ? Float.floatToRawIntBits(y[i]) : Float.floatToRawIntBits(Float.NaN),
                Float.floatToRawIntBits(y2[i]), what + " y[" + i + "]");
            assertEquals(inside ? argmax[i] : -7, argmax2[i], what + " argmax[" + i + "]");
          }
          for (int i = 0; i < s.inputSize(); i++) {
            boolean inside = i >= lo * inPlane && i < hi * inPlane;
            assertEquals(inside ? Float.floatToRawIntBits(dx[i]) : Float.floatToRawIntBits(Float.NaN),
                Float.floatToRawIntBits(dx2[i]), what + " dx[" + i + "]");
          }
        }
      }
    }
  }

  /** On pools of 1, 2 and 3 workers, and from inside a worker, the same bits as the sequential call. */
  @Test
  void poolGivesSameBitsAsSequential() throws Exception {
    PoolShape[] shapes = {
      new PoolShape(64, 20, 24, 24, 2, 2),
      new PoolShape(64, 50, 8, 8, 2, 2),
      new PoolShape(7, 13, 9, 11, 3, 2),
      new PoolShape(3, 5, 7, 9, 2, 2),
    };
    ForkJoinPool[] pools = {new ForkJoinPool(1), new ForkJoinPool(2), new ForkJoinPool(3)};
    try {
      for (KernelProvider provider : providers()) {
        ConvolutionSupport conv = provider.convolution();
        for (PoolShape s : shapes) {
          Sequential r = sequential(conv, s);
          float[] x = r.x(), dy = r.dy(), y = r.y(), dx = r.dx();
          int[] argmax = r.argmax();
          for (ForkJoinPool pool : pools) {
            float[] y2 = poisoned(s.outputSize());
            int[] argmax2 = new int[s.outputSize()];
            float[] dx2 = poisoned(s.inputSize());
            conv.maxPoolForward(s, x, y2, argmax2, pool);
            conv.maxPoolBackward(s, dy, argmax2, dx2, pool);
            String what = provider.name() + " " + pool.getParallelism() + " workers " + s;
            assertArrayEquals(y, y2, what + " y");
            assertArrayEquals(argmax, argmax2, what + " argmax");
            assertArrayEquals(dx, dx2, what + " dx");
          }
          float[] y3 = poisoned(s.outputSize());
          int[] argmax3 = new int[s.outputSize()];
          float[] dx3 = poisoned(s.inputSize());
          pools[1].submit(() -> {
            conv.maxPoolForward(s, x, y3, argmax3, pools[1]);
            conv.maxPoolBackward(s, dy, argmax3, dx3, pools[1]);
          }).get();
          assertArrayEquals(y, y3, provider.name() + " from a worker " + s + " y");
          assertArrayEquals(argmax, argmax3, provider.name() + " from a worker " + s + " argmax");
          assertArrayEquals(dx, dx3, provider.name() + " from a worker " + s + " dx");
        }
      }
    } finally {
      for (ForkJoinPool pool : pools) {
        pool.shutdown();
      }
    }
  }

  /** Random x and dy, and the sequential forward (y, argmax) and backward (dx) the split calls must match. */
  private record Sequential(float[] x, float[] dy, float[] y, int[] argmax, float[] dx) {}

  private Sequential sequential(ConvolutionSupport conv, PoolShape s) {
    float[] x = randomFloats(s.inputSize());
    float[] dy = randomFloats(s.outputSize());
    float[] y = poisoned(s.outputSize());
    int[] argmax = new int[s.outputSize()];
    conv.maxPoolForward(s, x, y, argmax);
    float[] dx = poisoned(s.inputSize());
    conv.maxPoolBackward(s, dy, argmax, dx);
    return new Sequential(x, dy, y, argmax, dx);
  }
}
