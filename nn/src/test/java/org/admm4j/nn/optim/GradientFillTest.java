package org.admm4j.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.nn.LayerKind;
import org.admm4j.nn.NnParameters;
import org.admm4j.nn.Parameter;
import org.junit.jupiter.api.Test;

/** step(fill) gives the bits of filling every gradient first and then step(), blocked or not. */
class GradientFillTest {

  @Test
  void fillingInsideTheStepEqualsFillingBefore() {
    int big = NnParameters.PARALLEL_OPTIMIZER_MIN_FLOATS + 12_345; // blocks on the pool
    for (int threads : new int[] {1, 2}) {
      KernelThreads.setThreads(threads);
      for (String kind : new String[] {"sgd", "adam"}) {
        for (int size : new int[] {37, big}) {
          float[][] a = run(kind, size, false);
          float[][] b = run(kind, size, true);
          for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], kind + " size " + size + " threads " + threads + " tensor " + i);
          }
        }
      }
    }
  }

  /** Three steps; the gradient of step t is a seeded function of t, written before or by the fill. */
  private static float[][] run(String kind, int size, boolean viaFill) {
    Parameter w = Parameter.weight("w", LayerKind.LINEAR, 1, size);
    Parameter b = Parameter.other("b", LayerKind.LINEAR, 17);
    Random r = new Random(2);
    for (Parameter p : List.of(w, b)) {
      for (int i = 0; i < p.size(); i++) {
        p.data()[i] = (float) r.nextGaussian();
      }
    }
    Optimizer opt = kind.equals("sgd") ? new Sgd(List.of(w, b), 0.1f, 0.9f, true, 1e-3f)
        : new Adam(List.of(w, b), 0.01f, 0.9f, 0.999f, 1e-8f, 0f);
    float[] mask = new float[size];
    for (int i = 0; i < size; i += 3) {
      mask[i] = 1f;
    }
    opt.setMask(w, mask);
    // fills run on the pool's threads at once: the count must be atomic
    AtomicInteger calls = new AtomicInteger();
    for (int t = 0; t < 3; t++) {
      final int step = t;
      GradientFill fill = (p, from, to) -> {
        calls.incrementAndGet();
        for (int i = from; i < to; i++) {
          p.grad()[i] = (float) Math.sin(step * 31 + i * 0.7 + p.size());
        }
      };
      if (viaFill) {
        java.util.Arrays.fill(w.grad(), Float.NaN);
        java.util.Arrays.fill(b.grad(), Float.NaN);
        opt.step(fill);
      } else {
        fill.fill(w, 0, w.size());
        fill.fill(b, 0, b.size());
        opt.step();
      }
    }
    if (viaFill && size > NnParameters.PARALLEL_OPTIMIZER_MIN_FLOATS && KernelThreads.threads() > 1) {
      int blocks = (size + NnParameters.PARALLEL_BLOCK_FLOATS - 1) / NnParameters.PARALLEL_BLOCK_FLOATS + 1;
      assertEquals(3 * blocks, calls.get(), "one fill per block and step");
    }
    return new float[][] {w.data(), b.data(), opt.state().values().iterator().next()};
  }
}
