package org.admm4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The facade's argument checks and one call through each method. */
class OptimizerKernelsTest {

  @Test
  void oneCallEach() {
    float[] w = {1f, 2f}, g = {1f, 1f}, v = new float[2], m = new float[2];
    OptimizerKernels.sgd(2, w, g, v, 0.5f, 0f, false, 0f, 0f, null, null, new float[] {1f, 0f});
    assertEquals(0.5f, w[0]);
    assertEquals(0f, w[1]);
    float[] w2 = {1f};
    OptimizerKernels.adam(1, w2, new float[] {3f}, new float[1], new float[1], 0.1f, 0.9f, 0.999f, 1e-8f, 1, 0f,
        0f, null, null, null);
    assertEquals(0.9f, w2[0], 1e-6f);
    assertEquals(2, m.length);
  }

  @Test
  void badArgumentsNameTheProblem() {
    float[] a = new float[4];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OptimizerKernels.sgd(5, a, a, a, 0.1f, 0f, false, 0f, 0f, null, null, null));
    assertTrue(e.getMessage().startsWith("w needs 5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> OptimizerKernels.sgd(4, a, a, a, 0.1f, 0f, false, 0f, 1f, a, null, null));
    assertTrue(e.getMessage().contains("both"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> OptimizerKernels.sgd(4, a, a, a, 0.1f, 0f, false, 0f, 0f, null, null, new float[3]));
    assertTrue(e.getMessage().startsWith("mask"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> OptimizerKernels.adam(4, a, a, a, a, 0.1f, 0.9f, 0.999f, 1e-8f, 0, 0f, 0f, null, null, null));
    assertTrue(e.getMessage().contains("step"), e.getMessage());
  }
}
