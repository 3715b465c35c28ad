package org.admm4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CsrMatrixTest {

  private final Random random = new Random(345);

  @Test
  void fromDenseDropsExactZerosOnlyAndRoundTrips() {
    float[] dense = {0f, -0f, 1.5f, Float.NaN, 0f, 0f, 0f, 0f, -2f, 0f, 1e-30f, 0f};
    CsrMatrix w = CsrMatrix.fromDense(3, 4, dense);
    assertEquals(3, w.rows());
    assertEquals(4, w.cols());
    assertEquals(4, w.nonZeros());
    assertArrayEquals(new int[] {0, 2, 2, 4}, w.rowPointers());
    assertArrayEquals(new int[] {2, 3, 0, 2}, w.columnIndices());
    assertEquals(3, w.activeColumns());
    assertEquals(4.0 / 12, w.density(), 1e-12);
    float[] back = new float[12];
    java.util.Arrays.fill(back, Float.NaN);
    w.toDense(back, 0);
    for (int i = 0; i < 12; i++) {
      assertEquals(Float.floatToIntBits(dense[i] == 0f ? 0f : dense[i]), Float.floatToIntBits(back[i]),
          "entry " + i);
    }
  }

  @Test
  void emptyMatricesAreValid() {
    CsrMatrix none = CsrMatrix.fromDense(0, 0, new float[0]);
    assertEquals(0, none.nonZeros());
    assertEquals(0.0, none.density());
    CsrMatrix zeros = CsrMatrix.fromDense(4, 3, new float[12]);
    assertEquals(0, zeros.nonZeros());
    assertEquals(0, zeros.activeColumns());
    assertArrayEquals(new int[5], zeros.rowPointers());
    assertEquals(0, CsrMatrix.of(2, 0, new int[3], new int[0], new float[0]).nonZeros());
  }

  @Test
  void ofCopiesItsArrays() {
    int[] rowPtr = {0, 1, 2};
    int[] colIdx = {1, 0};
    float[] values = {3f, 4f};
    CsrMatrix w = CsrMatrix.of(2, 2, rowPtr, colIdx, values);
    colIdx[0] = 99;
    values[0] = 99f;
    rowPtr[1] = 7;
    assertArrayEquals(new int[] {1, 0}, w.columnIndices());
    assertArrayEquals(new float[] {3f, 4f}, w.values());
    assertArrayEquals(new int[] {0, 1, 2}, w.rowPointers());
    w.values()[0] = 42f; // the accessor's copy, not the matrix
    assertEquals(3f, w.values()[0]);
  }

  @Test
  void hostileCsrIsRefusedWithTheOffendingEntry() {
    float[] two = {1f, 2f};
    assertMessage("colIdx[1] = 5", () -> CsrMatrix.of(2, 3, new int[] {0, 1, 2}, new int[] {0, 5}, two));
    assertMessage("colIdx[0] = -1", () -> CsrMatrix.of(2, 3, new int[] {0, 1, 2}, new int[] {-1, 0}, two));
    assertMessage("rowPtr decreases at row 1",
        () -> CsrMatrix.of(2, 3, new int[] {0, 2, 1}, new int[] {0, 1}, two));
    assertMessage("rowPtr[0] = 1", () -> CsrMatrix.of(2, 3, new int[] {1, 1, 2}, new int[] {0, 1}, two));
    assertMessage("rowPtr[2] = 1 but 2", () -> CsrMatrix.of(2, 3, new int[] {0, 1, 1}, new int[] {0, 1}, two));
    assertMessage("rowPtr[1] = 9 exceeds",
        () -> CsrMatrix.of(2, 3, new int[] {0, 9, 2}, new int[] {0, 1}, two));
    assertMessage("rowPtr has 2 entries", () -> CsrMatrix.of(2, 3, new int[] {0, 2}, new int[] {0, 1}, two));
    assertMessage("does not increase", () -> CsrMatrix.of(1, 3, new int[] {0, 2}, new int[] {1, 1}, two));
    assertMessage("does not increase", () -> CsrMatrix.of(1, 3, new int[] {0, 2}, new int[] {2, 0}, two));
    assertMessage("colIdx has 2 entries but values has 1",
        () -> CsrMatrix.of(1, 3, new int[] {0, 2}, new int[] {0, 1}, new float[1]));
    assertMessage("negative matrix size", () -> CsrMatrix.of(-1, 3, new int[0], new int[0], new float[0]));
    assertMessage("must not be null", () -> CsrMatrix.of(1, 3, null, new int[0], new float[0]));
    assertMessage("dense needs 12 floats", () -> CsrMatrix.fromDense(3, 4, new float[11]));
  }

  @Test
  void ofAcceptsWhatFromDenseProduces() {
    for (int trial = 0; trial < 50; trial++) {
      int rows = random.nextInt(20), cols = random.nextInt(20);
      float[] dense = new float[rows * cols];
      for (int i = 0; i < dense.length; i++) {
        dense[i] = random.nextInt(4) == 0 ? random.nextFloat() + 0.1f : 0f;
      }
      CsrMatrix a = CsrMatrix.fromDense(rows, cols, dense);
      CsrMatrix b = CsrMatrix.of(rows, cols, a.rowPointers(), a.columnIndices(), a.values());
      float[] back = new float[dense.length];
      b.toDense(back, 0);
      assertArrayEquals(dense, back);
    }
  }

  static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
  }
}
