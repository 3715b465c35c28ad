package org.admm4j.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.admm4j.kernels.OptimizerKernels;
import org.admm4j.nn.LayerKind;
import org.admm4j.nn.NnParameters;
import org.admm4j.nn.Parameter;
import org.junit.jupiter.api.Test;

class SgdTest {

  private static Parameter param(float... values) {
    Parameter p = Parameter.weight("w", LayerKind.LINEAR, 1, values.length);
    System.arraycopy(values, 0, p.data(), 0, values.length);
    return p;
  }

  @Test
  void oneStepMomentumAndWeightDecayByHand() {
    Parameter p = param(1f, -2f);
    Sgd sgd = new Sgd(List.of(p), 0.1f, 0.9f, false, 0.01f);
    p.grad()[0] = 0.5f;
    p.grad()[1] = -1f;
    sgd.step();
    // g' = g + 0.01·w = (0.51, -1.02); v = g'; w -= 0.1·v
    assertEquals(1f - 0.1f * 0.51f, p.data()[0], 1e-6f);
    assertEquals(-2f + 0.1f * 1.02f, p.data()[1], 1e-6f);
    float w0 = p.data()[0];
    sgd.step();
    // second step: v = 0.9·0.51 + (0.5 + 0.01·w0)
    float v = 0.9f * 0.51f + 0.5f + 0.01f * w0;
    assertEquals(w0 - 0.1f * v, p.data()[0], 1e-6f);
  }

  @Test
  void nesterovByHand() {
    Parameter p = param(1f);
    Sgd sgd = new Sgd(List.of(p), 0.1f, 0.5f, true, 0f);
    p.grad()[0] = 2f;
    sgd.step();
    // v = 2; step = g + μ·v = 3
    assertEquals(1f - 0.3f, p.data()[0], 1e-6f);
  }

  @Test
  void penaltyGradientIsRhoTimesWMinusZPlusU() {
    Random r = new Random(5);
    int n = 37;
    Parameter p = Parameter.weight("w", LayerKind.CONV, 4, n);
    float[] z = new float[n], u = new float[n], w0 = new float[n];
    for (int i = 0; i < n; i++) {
      w0[i] = p.data()[i] = r.nextFloat() - 0.5f;
      z[i] = r.nextFloat() - 0.5f;
      u[i] = r.nextFloat() - 0.5f;
    }
    Sgd sgd = new Sgd(List.of(p), 0.5f, 0f);
    float rho = 0.3f;
    sgd.setPenalty(p, rho, z, u);
    sgd.step(); // zero data gradient: the step is −lr·ρ(w − z + u)
    for (int i = 0; i < n; i++) {
      assertEquals(w0[i] - 0.5f * rho * (w0[i] - z[i] + u[i]), p.data()[i], 1e-6f);
    }
    sgd.clearPenalty(p);
    float[] before = p.data().clone();
    sgd.step();
    assertArrayEquals(before, p.data());
  }

  @Test
  void maskedWeightsStayExactlyZeroWithMomentumAndDecay() {
    Random r = new Random(6);
    int n = 101;
    Parameter p = Parameter.weight("w", LayerKind.LINEAR, 1, n);
    float[] mask = new float[n];
    for (int i = 0; i < n; i++) {
      p.data()[i] = r.nextFloat() - 0.5f;
      mask[i] = i % 3 == 0 ? 0f : 1f;
    }
    for (Optimizer opt : List.<Optimizer>of(new Sgd(List.of(p), 0.1f, 0.9f, true, 1e-3f),
        new Adam(List.of(p), 0.01f, 0.9f, 0.999f, 1e-8f, 1e-3f))) {
      // momentum built up before the mask is set must not leak into pruned weights
      for (int i = 0; i < n; i++) {
        p.grad()[i] = r.nextFloat() - 0.5f;
      }
      opt.step();
      opt.setMask(p, mask);
      for (int step = 0; step < 5; step++) {
        for (int i = 0; i < n; i++) {
          p.grad()[i] = r.nextFloat() - 0.5f;
        }
        opt.step();
        for (int i = 0; i < n; i++) {
          if (mask[i] == 0f) {
            assertEquals(0, Float.floatToRawIntBits(p.data()[i]), "pruned weight " + i + " = " + p.data()[i]);
          } else {
            assertTrue(p.data()[i] != 0f);
          }
        }
      }
      for (Map.Entry<String, float[]> e : opt.state().entrySet()) {
        if (e.getValue().length == n) {
          for (int i = 0; i < n; i += 3) {
            assertEquals(0f, e.getValue()[i], e.getKey());
          }
        }
      }
    }
  }

  @Test
  void stateRoundTripGivesTheSameNextStep() {
    Parameter a = param(1f, 2f, 3f), b = param(1f, 2f, 3f);
    Sgd sa = new Sgd(List.of(a), 0.1f, 0.9f), sb = new Sgd(List.of(b), 0.1f, 0.9f);
    a.grad()[1] = 1f;
    sa.step();
    b.grad()[1] = 1f;
    sb.step();
    Sgd fresh = new Sgd(List.of(b), 0.1f, 0.9f);
    fresh.loadState(sa.state());
    assertEquals(List.of("w.momentum_buffer"), List.copyOf(sa.state().keySet()));
    sa.step();
    fresh.step();
    assertArrayEquals(a.data(), b.data());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fresh.loadState(Map.of("w.momentum_buffer", new float[2])));
    assertTrue(e.getMessage().contains("expected 3"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> fresh.loadState(Map.of()));
  }

  /** Large models are updated in blocks on the pool: the bits must equal one whole-tensor update. */
  @Test
  void blockwiseParallelStepEqualsWholeTensorUpdate() {
    Random r = new Random(8);
    int n = NnParameters.PARALLEL_OPTIMIZER_MIN_FLOATS + 12_345;
    Parameter p = Parameter.weight("big", LayerKind.LINEAR, 1, n), q = Parameter.weight("b", LayerKind.LINEAR, 1, 5);
    float[] z = new float[n], u = new float[n], mask = new float[n];
    for (int i = 0; i < n; i++) {
      p.data()[i] = r.nextFloat() - 0.5f;
      p.grad()[i] = r.nextFloat() - 0.5f;
      z[i] = r.nextFloat() - 0.5f;
      u[i] = r.nextFloat() - 0.5f;
      mask[i] = r.nextInt(4) == 0 ? 0f : 1f;
    }
    float[] w = p.data().clone(), v = new float[n], wa = p.data().clone(), m1 = new float[n], m2 = new float[n];
    float[] w0 = p.data().clone();
    for (int i = 0; i < n; i++) {
      if (mask[i] == 0f) {
        w[i] = 0f;
        wa[i] = 0f;
      }
    }
    Sgd sgd = new Sgd(List.of(q, p), 0.1f, 0.9f, true, 1e-4f);
    sgd.setPenalty(p, 0.2f, z, u);
    sgd.setMask(p, mask);
    sgd.step();
    OptimizerKernels.sgd(n, w, p.grad(), v, 0.1f, 0.9f, true, 1e-4f, 0.2f, z, u, mask);
    assertArrayEquals(w, p.data());
    System.arraycopy(w0, 0, p.data(), 0, n);
    Adam adam = new Adam(List.of(p, q), 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-4f);
    adam.setPenalty(p, 0.2f, z, u);
    adam.setMask(p, mask);
    adam.step();
    OptimizerKernels.adam(n, wa, p.grad(), m1, m2, 1e-3f, 0.9f, 0.999f, 1e-8f, 1, 1e-4f, 0.2f, z, u, mask);
    assertArrayEquals(wa, p.data());
  }

  @Test
  void badArgumentsAreRejected() {
    Parameter p = param(1f);
    assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(p), -1f, 0f));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(p), 0.1f, 0f, true, 0f));
    Sgd sgd = new Sgd(List.of(p), 0.1f, 0f);
    assertThrows(IllegalArgumentException.class, () -> sgd.setMask(p, new float[2]));
    assertThrows(IllegalArgumentException.class, () -> sgd.setPenalty(p, -1f, new float[1], new float[1]));
    assertThrows(IllegalArgumentException.class, () -> sgd.setPenalty(param(2f), 1f, new float[1], new float[1]));
  }
}
