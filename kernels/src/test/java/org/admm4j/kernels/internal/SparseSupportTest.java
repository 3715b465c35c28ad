package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.KernelParameters;
import org.junit.jupiter.api.Test;

/** Both sparse implementations against double-accumulating references on random pruned matrices. */
class SparseSupportTest extends KernelTestCase {

  static final double[] DENSITIES = {0, 0.01, 0.1, 0.5, 1};
  static final int[] DIMS = {0, 1, 2, 3, 7, 16, 17, 31, 33, 64, 65, 127};
  static final float SENTINEL = 12345.5f;

  /** rows × cols, each entry non-zero with probability density (entries never exactly zero when kept). */
  float[] randomSparse(int rows, int cols, double density) {
    float[] w = new float[rows * cols];
    for (int i = 0; i < w.length; i++) {
      if (random.nextDouble() < density) {
        float v = random.nextFloat() * 2f - 1f;
        w[i] = v == 0f ? 0.5f : v;
      }
    }
    return w;
  }

  /** CSR arrays of a dense matrix, built here independently of CsrMatrix. */
  static CsrArrays csr(int rows, int cols, float[] dense) {
    int[] rowPtr = new int[rows + 1];
    int nnz = 0;
    for (float v : dense) {
      nnz += v != 0f ? 1 : 0;
    }
    int[] colIdx = new int[nnz];
    float[] values = new float[nnz];
    boolean[] used = new boolean[cols];
    int p = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        if (dense[r * cols + c] != 0f) {
          colIdx[p] = c;
          values[p++] = dense[r * cols + c];
          used[c] = true;
        }
      }
      rowPtr[r + 1] = p;
    }
    int[] position = new int[cols];
    int active = 0;
    for (int c = 0; c < cols; c++) {
      position[c] = used[c] ? active++ : -1;
    }
    int[] activeCols = new int[active];
    for (int c = 0; c < cols; c++) {
      if (used[c]) {
        activeCols[position[c]] = c;
      }
    }
    int[] compact = new int[nnz];
    for (int q = 0; q < nnz; q++) {
      compact[q] = position[colIdx[q]];
    }
    return new CsrArrays(rows, cols, rowPtr, colIdx, values, activeCols, compact);
  }

  static void assertClose(double expected, float actual, double tol, String where) {
    assertTrue(Math.abs(expected - actual) <= tol, () -> where + ": expected " + expected + ", got " + actual);
  }

  @Test
  void spmvMatchesReference() {
    int checked = 0;
    for (KernelProvider provider : providers()) {
      SparseSupport sparse = provider.sparse();
      for (double density : DENSITIES) {
        for (int rows : DIMS) {
          for (int cols : new int[] {0, 1, 5, 16, 33, 40, 97, 257}) {
            float[] dense = randomSparse(rows, cols, density);
            CsrArrays w = csr(rows, cols, dense);
            int xOff = 3, yOff = 5;
            float[] x = new float[xOff + cols];
            System.arraycopy(randomFloats(cols), 0, x, xOff, cols);
            float[] bias = random.nextBoolean() ? randomFloats(rows) : null;
            float[] y = poisoned(yOff + rows + 4);
            Arrays.fill(y, yOff + rows, y.length, SENTINEL);
            sparse.spmv(w, x, xOff, bias, y, yOff);
            for (int r = 0; r < rows; r++) {
              double expected = bias == null ? 0 : bias[r];
              for (int c = 0; c < cols; c++) {
                expected += (double) dense[r * cols + c] * x[xOff + c];
              }
              assertClose(expected, y[yOff + r], 1e-5 * (cols + 1),
                  provider.name() + " spmv " + rows + "×" + cols + " density " + density + " row " + r);
            }
            for (int i = yOff + rows; i < y.length; i++) {
              assertEquals(SENTINEL, y[i], "spmv wrote past its output");
            }
            checked++;
          }
        }
      }
    }
    assertEquals(providers().size() * DENSITIES.length * DIMS.length * 8, checked);
  }

  @Test
  void spmmMatchesReference() {
    for (KernelProvider provider : providers()) {
      SparseSupport sparse = provider.sparse();
      for (double density : DENSITIES) {
        for (int rows : new int[] {0, 1, 3, 20, 50}) {
          for (int cols : new int[] {1, 7, 25, 64}) {
            for (int n : new int[] {0, 1, 3, 15, 16, 17, 33, 63, 64, 65, 97, 129, 576}) {
              float[] dense = randomSparse(rows, cols, density);
              CsrArrays w = csr(rows, cols, dense);
              int ldb = n + 3, ldc = n + 2, bOff = 1, cOff = 2;
              float[] b = randomFloats(bOff + cols * ldb);
              float[] bias = random.nextBoolean() ? randomFloats(rows) : null;
              float[] c = poisoned(cOff + rows * ldc);
              // padding columns of C and the head must survive
              for (int r = 0; r < rows; r++) {
                Arrays.fill(c, cOff + r * ldc + n, cOff + (r + 1) * ldc, SENTINEL);
              }
              Arrays.fill(c, 0, cOff, SENTINEL);
              sparse.spmm(w, w.colIdx(), n, b, bOff, ldb, bias, c, cOff, ldc);
              for (int r = 0; r < rows; r++) {
                for (int j = 0; j < n; j++) {
                  double expected = bias == null ? 0 : bias[r];
                  for (int k = 0; k < cols; k++) {
                    expected += (double) dense[r * cols + k] * b[bOff + k * ldb + j];
                  }
                  assertClose(expected, c[cOff + r * ldc + j], 1e-5 * (cols + 1), provider.name() + " spmm "
                      + rows + "×" + cols + "·" + cols + "×" + n + " density " + density + " at " + r + "," + j);
                }
                for (int j = n; j < ldc; j++) {
                  assertEquals(SENTINEL, c[cOff + r * ldc + j], "spmm wrote into C's padding");
                }
              }
              for (int i = 0; i < cOff; i++) {
                assertEquals(SENTINEL, c[i], "spmm wrote before C");
              }
            }
          }
        }
      }
    }
  }

  @Test
  void linearMatchesReferenceOnBothSidesOfTheTransposeSwitch() {
    int min = KernelParameters.SPARSE_LINEAR_TRANSPOSED_MIN_BATCH;
    for (KernelProvider provider : providers()) {
      SparseSupport sparse = provider.sparse();
      for (double density : DENSITIES) {
        for (int batch : new int[] {0, 1, 2, min - 1, min, min + 1, 7, 8, 9, 15, 16, 17, 33, 64, 65}) {
          for (int[] dims : new int[][] {{10, 500}, {37, 41}, {1, 1}, {0, 5}, {5, 0}}) {
            int rows = dims[0], cols = dims[1];
            float[] dense = randomSparse(rows, cols, density);
            CsrArrays w = csr(rows, cols, dense);
            float[] x = randomFloats(batch * cols);
            float[] bias = random.nextBoolean() ? randomFloats(rows) : null;
            float[] y = poisoned(batch * rows);
            float[] workspace = poisoned((int) sparse.linearWorkspaceSize(w, batch));
            sparse.linear(w, batch, x, bias, y, workspace);
            for (int s = 0; s < batch; s++) {
              for (int r = 0; r < rows; r++) {
                double expected = bias == null ? 0 : bias[r];
                for (int c = 0; c < cols; c++) {
                  expected += (double) x[s * cols + c] * dense[r * cols + c];
                }
                assertClose(expected, y[s * rows + r], 1e-5 * (cols + 1), provider.name() + " linear batch "
                    + batch + " " + rows + "×" + cols + " density " + density + " at " + s + "," + r);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void convForwardMatchesDirectReference() {
    int shiftedChecked = 0;
    ConvShape[] shapes = {
      new ConvShape(2, 1, 28, 28, 20, 5, 5, 1, 0), // LeNet-5 conv1
      new ConvShape(3, 20, 12, 12, 50, 5, 5, 1, 0), // LeNet-5 conv2
      new ConvShape(1, 3, 9, 11, 7, 3, 3, 2, 1), // stride and padding, odd sizes
      new ConvShape(2, 2, 5, 5, 3, 3, 2, 1, 2), // padding wider than needed, non-square kernel
      new ConvShape(1, 4, 1, 1, 5, 1, 1, 1, 0), // 1×1
      new ConvShape(2, 3, 28, 28, 8, 3, 3, 1, 1), // convnet-like: 3×3, padding 1
      new ConvShape(1, 2, 6, 7, 3, 5, 5, 1, 2), // padding as large as the input edge
      new ConvShape(3, 2, 5, 9, 4, 2, 4, 1, 0), // non-square, width 9 - 4 + 1 = 6 (tails)
    };
    for (KernelProvider provider : providers()) {
      SparseSupport sparse = provider.sparse();
      for (double density : DENSITIES) {
        for (ConvShape s : shapes) {
          int taps = s.inChannels() * s.kernelHeight() * s.kernelWidth();
          float[] filters = randomSparse(s.outChannels(), taps, density);
          CsrArrays w = csr(s.outChannels(), taps, filters);
          float[] x = randomFloats(s.inputSize());
          float[] bias = random.nextBoolean() ? randomFloats(s.outChannels()) : null;
          float[] y = poisoned(s.outputSize());
          float[] workspace = poisoned((int) sparse.convWorkspaceSize(w, s));
          sparse.convForward(w, s, s.batch(), x, bias, y, workspace);
          double[] expected = referenceConv(s, x, filters, bias);
          for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], y[i], 1e-5 * (taps + 1),
                provider.name() + " conv " + s + " density " + density + " at " + i);
          }
          if (s.stride() == 1) {
            CsrArrays shifted = shifted(w, s);
            float[] y2 = poisoned(s.outputSize() + 3);
            Arrays.fill(y2, s.outputSize(), y2.length, SENTINEL);
            sparse.convForwardShifted(shifted, s, s.batch(), x, bias, y2,
                poisoned((int) sparse.convShiftedWorkspaceSize(shifted, s)));
            for (int i = 0; i < expected.length; i++) {
              assertClose(expected[i], y2[i], 1e-5 * (taps + 1),
                  provider.name() + " shifted conv " + s + " density " + density + " at " + i);
            }
            for (int i = s.outputSize(); i < y2.length; i++) {
              assertEquals(SENTINEL, y2[i], "shifted conv wrote past y");
            }
            shiftedChecked++;
          }
        }
      }
    }
    long stride1 = java.util.Arrays.stream(shapes).filter(x -> x.stride() == 1).count();
    assertEquals(providers().size() * DENSITIES.length * stride1, shiftedChecked);
  }

  /** W's entries with each tap replaced by its offset in the zero-padded input image. */
  static CsrArrays shifted(CsrArrays w, ConvShape s) {
    int hp = s.inHeight() + 2 * s.padding(), wp = s.inWidth() + 2 * s.padding();
    int[] offsets = new int[w.nonZeros()];
    for (int p = 0; p < offsets.length; p++) {
      int tap = w.colIdx()[p];
      int c = tap / (s.kernelHeight() * s.kernelWidth());
      int kp = tap / s.kernelWidth() % s.kernelHeight(), kq = tap % s.kernelWidth();
      offsets[p] = (c * hp + kp) * wp + kq;
    }
    return new CsrArrays(w.rows(), s.inChannels() * hp * wp, w.rowPtr(), offsets, w.values(), new int[0], offsets);
  }

  static double[] referenceConv(ConvShape s, float[] x, float[] w, float[] bias) {
    int oh = s.outHeight(), ow = s.outWidth();
    double[] y = new double[s.outputSize()];
    for (int b = 0; b < s.batch(); b++) {
      for (int o = 0; o < s.outChannels(); o++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double sum = bias == null ? 0 : bias[o];
            for (int c = 0; c < s.inChannels(); c++) {
              for (int p = 0; p < s.kernelHeight(); p++) {
                for (int q = 0; q < s.kernelWidth(); q++) {
                  int r = i * s.stride() - s.padding() + p, col = j * s.stride() - s.padding() + q;
                  if (r >= 0 && r < s.inHeight() && col >= 0 && col < s.inWidth()) {
                    sum += (double) x[((b * s.inChannels() + c) * s.inHeight() + r) * s.inWidth() + col]
                        * w[((o * s.inChannels() + c) * s.kernelHeight() + p) * s.kernelWidth() + q];
                  }
                }
              }
            }
            y[((b * s.outChannels() + o) * oh + i) * ow + j] = sum;
          }
        }
      }
    }
    return y;
  }

  /** Pinned by hand: the reference the other comparisons rest on. */
  @Test
  void tinyHandComputedCase() {
    // W = [[0, 2, 0], [0, 0, 0], [1, 0, -3]], x = [1, 2, 3], bias = [0.5, 1, 0]
    CsrArrays w = csr(3, 3, new float[] {0, 2, 0, 0, 0, 0, 1, 0, -3});
    assertEquals(3, w.activeCols().length);
    for (KernelProvider provider : providers()) {
      float[] y = poisoned(3);
      provider.sparse().spmv(w, new float[] {1, 2, 3}, 0, new float[] {0.5f, 1, 0}, y, 0);
      assertEquals(4.5f, y[0]);
      assertEquals(1f, y[1]);
      assertEquals(-8f, y[2]);
    }
  }
}
