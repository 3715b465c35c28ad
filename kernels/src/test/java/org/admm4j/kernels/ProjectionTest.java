package org.admm4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The facade: argument checks, and results small enough to work out by hand. */
class ProjectionTest {

  @Test
  void keepsTheLargestMagnitudesWithTiesToLowerIndices() {
    float[] w = {0.5f, -3f, 2f, -2f, 0f, 1f, 2f};
    float[] out = new float[7];
    assertEquals(2f, Projection.topK(7, 3, w, 0, out, 0));
    assertArrayEquals(new float[] {0, -3f, 2f, -2f, 0, 0, 0}, out);
    assertEquals(Float.POSITIVE_INFINITY, Projection.topK(7, 0, w, 0, out, 0));
    assertArrayEquals(new float[7], out);
    assertEquals(0f, Projection.topK(7, 7, w, 0, out, 0));
    assertArrayEquals(w, out);
  }

  @Test
  void fusedStepByHand() {
    float[] w = {1f, -4f, 0.5f, 2f};
    float[] u = {0.5f, 0f, 0f, -1f}; // W + U = 1.5, -4, 0.5, 1
    float[] z = {1f, 0f, 0f, 0f};
    Projection.AdmmStepNorms norms = Projection.admmUpdate(4, 2, w, z, u, new float[4]);
    assertArrayEquals(new float[] {1.5f, -4f, 0f, 0f}, z);
    assertArrayEquals(new float[] {0f, 0f, 0.5f, 1f}, u); // U + W − Z
    assertEquals(1.5f, norms.threshold());
    assertEquals(0.25 + 0 + 0.25 + 4, norms.primalSquared(), 1e-12);
    assertEquals(0.25 + 16, norms.zChangeSquared(), 1e-12);
  }

  @Test
  void badArgumentsAreNamed() {
    float[] w = new float[10];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Projection.topK(10, 11, w, 0, new float[10], 0));
    assertTrue(e.getMessage().contains("k = 11"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Projection.topK(10, 1, w, 0, new float[9], 0));
    assertTrue(e.getMessage().contains("out"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Projection.topK(5, 1, w, 0, w, 2));
    assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Projection.admmUpdate(10, 1, w, new float[10], new float[10], w));
    assertTrue(e.getMessage().contains("different"), e.getMessage());
    w[7] = Float.NaN;
    e = assertThrows(IllegalArgumentException.class, () -> Projection.topK(10, 1, w, 0, w, 0));
    assertTrue(e.getMessage().contains("index 7"), e.getMessage());
    assertTrue(Float.isNaN(w[7]), "nothing written");
  }
}
