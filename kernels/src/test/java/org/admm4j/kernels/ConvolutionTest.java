package org.admm4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The facades: shapes, argument checks with messages that name the argument, and a call through each. */
class ConvolutionTest {

  private static final ConvShape LENET_CONV1 = new ConvShape(2, 1, 28, 28, 20, 5, 5, 1, 0);

  @Test
  void shapeArithmetic() {
    assertEquals(24, LENET_CONV1.outHeight());
    assertEquals(24, LENET_CONV1.outWidth());
    ConvShape s = new ConvShape(1, 3, 7, 8, 4, 3, 3, 2, 1);
    assertEquals(4, s.outHeight());
    assertEquals(4, s.outWidth());
    assertEquals(3 * 7 * 8, s.inputSize());
    assertEquals(4 * 4 * 4, s.outputSize());
    assertEquals(4 * 3 * 9, s.weightSize());
    assertThrows(IllegalArgumentException.class, () -> new ConvShape(1, 1, 2, 2, 1, 5, 5, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new ConvShape(1, 1, 8, 8, 1, 3, 3, 0, 0));
    PoolShape p = new PoolShape(2, 20, 24, 24, 2, 2);
    assertEquals(12, p.outHeight());
    assertEquals(2 * 20 * 144, p.outputSize());
    assertThrows(IllegalArgumentException.class, () -> new PoolShape(1, 1, 1, 4, 2, 2));
  }

  @Test
  void shortArraysAreNamed() {
    ConvShape s = LENET_CONV1;
    float[] ws = new float[Convolution.workspaceSize(s)];
    float[] x = new float[s.inputSize()];
    float[] w = new float[s.weightSize()];
    float[] y = new float[s.outputSize()];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Convolution.forward(s, x, w, null, new float[s.outputSize() - 1], ws));
    assertTrue(e.getMessage().startsWith("y "), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Convolution.forward(s, x, w, new float[3], y, ws));
    assertTrue(e.getMessage().startsWith("bias "), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Convolution.forward(s, x, w, null, y, new float[10]));
    assertTrue(e.getMessage().startsWith("workspace "), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Convolution.backwardWeights(s, x, y, new float[5], null, ws));
    assertTrue(e.getMessage().startsWith("dw "), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Convolution.backwardData(s, y, w, null, ws));
    assertTrue(e.getMessage().startsWith("dx "), e.getMessage());
    PoolShape p = new PoolShape(1, 1, 4, 4, 2, 2);
    e = assertThrows(IllegalArgumentException.class,
        () -> Pooling.maxPoolForward(p, new float[16], new float[4], new int[3]));
    assertTrue(e.getMessage().startsWith("argmax "), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Elementwise.axpy(5, 1f, new float[5], 1, new float[5], 0));
    assertTrue(e.getMessage().startsWith("x "), e.getMessage());
  }

  /** One call through each facade, so a wiring mistake (wrong field, wrong argument order) shows. */
  @Test
  void facadesComputeSomething() {
    ConvShape s = new ConvShape(1, 1, 3, 3, 1, 2, 2, 1, 0);
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float[] w = {1, 0, 0, -1};
    float[] y = new float[4];
    float[] ws = new float[Convolution.workspaceSize(s)];
    Convolution.forward(s, x, w, new float[] {0.5f}, y, ws);
    for (float v : y) {
      assertEquals(-3.5f, v);
    }
    float[] dx = new float[9];
    Convolution.backwardData(s, new float[] {1, 1, 1, 1}, w, dx, ws);
    assertEquals(1f, dx[0]);
    assertEquals(0f, dx[4]);
    assertEquals(-1f, dx[8]);
    float[] dw = new float[4];
    float[] db = new float[1];
    Convolution.backwardWeights(s, x, new float[] {1, 0, 0, 0}, dw, db, ws);
    assertEquals(1f, dw[0]);
    assertEquals(5f, dw[3]);
    assertEquals(1f, db[0]);

    float[] py = new float[1];
    int[] arg = new int[1];
    Pooling.maxPoolForward(new PoolShape(1, 1, 2, 2, 2, 2), new float[] {3, 7, 7, 1}, py, arg);
    assertEquals(7f, py[0]);
    assertEquals(1, arg[0], "ties go to the first maximum in row-major order");
    float[] pdx = new float[4];
    Pooling.maxPoolBackward(new PoolShape(1, 1, 2, 2, 2, 2), new float[] {2f}, arg, pdx);
    assertEquals(2f, pdx[1]);
    assertFalse(pdx[0] != 0f || pdx[2] != 0f || pdx[3] != 0f);

    assertEquals(14f, Elementwise.dot(3, new float[] {1, 2, 3}, 0, new float[] {1, 2, 3}, 0));
    assertEquals(14f, Elementwise.sumOfSquares(3, new float[] {1, 2, 3}, 0));
  }
}
