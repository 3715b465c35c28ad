package org.admm4j.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.admm4j.nn.LayerKind;
import org.admm4j.nn.Parameter;
import org.junit.jupiter.api.Test;

class AdamTest {

  @Test
  void firstStepsByHand() {
    Parameter p = Parameter.weight("w", LayerKind.LINEAR, 1, 2);
    p.data()[0] = 1f;
    p.data()[1] = -1f;
    Adam adam = new Adam(List.of(p), 0.01f);
    p.grad()[0] = 0.3f;
    p.grad()[1] = -2f;
    adam.step();
    // bias-corrected first step: m̂ = g, v̂ = g², so w −= lr·g/(|g| + eps) ≈ lr·sign(g)
    assertEquals(1f - 0.01f, p.data()[0], 1e-6f);
    assertEquals(-1f + 0.01f, p.data()[1], 1e-6f);
    p.grad()[0] = 0.1f;
    adam.step();
    double m = 0.9 * 0.1 * 0.3 + 0.1 * 0.1, v = 0.999 * 0.001 * 0.09 + 0.001 * 0.01;
    double mHat = m / (1 - 0.81), vHat = v / (1 - 0.999 * 0.999);
    assertEquals(0.99 - 0.01 * mHat / (Math.sqrt(vHat) + 1e-8), p.data()[0], 1e-6);
    assertEquals(2, adam.steps());
  }

  @Test
  void stateRoundTrip() {
    Parameter a = Parameter.weight("w", LayerKind.LINEAR, 1, 3), b = Parameter.weight("w", LayerKind.LINEAR, 1, 3);
    Adam x = new Adam(List.of(a), 0.01f), y = new Adam(List.of(b), 0.01f);
    a.grad()[0] = b.grad()[0] = 1f;
    x.step();
    y.step();
    Adam z = new Adam(List.of(b), 0.01f);
    z.loadState(x.state());
    assertEquals(1, z.steps());
    x.step();
    z.step();
    assertArrayEquals(a.data(), b.data());
  }
}
