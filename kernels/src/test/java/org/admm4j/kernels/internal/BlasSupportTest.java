package org.admm4j.kernels.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/** SGEMM of both implementations against a double-accumulating reference and Commons Math. */
class BlasSupportTest extends KernelTestCase {

  /** Small sizes for the full m×n×k cube: 0, 1, around 4/8-lane edges, odd and prime. */
  private static final int[] CUBE = {0, 1, 2, 3, 7, 8, 9, 13, 17, 33};

  /** Larger mixes: tails of MR/NR tiles, more than one KC slice, MC block, scalar NC block, NC block. */
  private static final int[][] MIXES = {
    {31, 33, 65}, {65, 97, 129}, {97, 65, 31}, {129, 17, 257}, {257, 31, 13}, {13, 257, 300},
    {33, 129, 513}, {7, 600, 97}, {130, 65, 7}, {3, 2100, 5}, {1, 1, 700}, {17, 1, 257}, {1, 31, 129},
  };

  /** (alpha, beta): beta 0 on NaN-poisoned C, beta 1, beta 0.5 on random C, alpha 0, negative alpha. */
  private static final float[][] SCALARS = {{1f, 0f}, {0.75f, 1f}, {-1.25f, 0.5f}, {0f, 0.5f}, {1f, 0.5f}};

  @Test
  void smallCubeAllOpsAllScalars() {
    Set<String> checked = new TreeSet<>();
    for (KernelProvider provider : providers()) {
      int variant = 0;
      for (int op = 0; op < 4; op++) {
        boolean tA = (op & 1) != 0, tB = (op & 2) != 0;
        for (int m : CUBE) {
          for (int n : CUBE) {
            for (int k : CUBE) {
              float[] s = SCALARS[variant++ % SCALARS.length];
              GemmCase g = new GemmCase(random, tA, tB, m, n, k, s[0], s[1], true);
              g.run(provider.blas(), null);
              g.verify(provider.name());
              checked.add(provider.name() + " " + (tA ? "T" : "N") + (tB ? "T" : "N") + " " + s[0] + "," + s[1]);
            }
          }
        }
      }
    }
    // completeness: every implementation × op combination × (alpha, beta) variant was exercised
    assertEquals(2 * 4 * SCALARS.length, checked.size(), () -> "checked variants: " + checked);
  }

  @Test
  void largerMixesWithOffsetsAndLeadingDimensions() {
    int checked = 0;
    for (KernelProvider provider : providers()) {
      for (int op = 0; op < 4; op++) {
        for (int[] mnk : MIXES) {
          float[] s = SCALARS[(checked + op) % SCALARS.length];
          GemmCase g = new GemmCase(random, (op & 1) != 0, (op & 2) != 0, mnk[0], mnk[1], mnk[2], s[0], s[1], true);
          g.run(provider.blas(), null);
          g.verify(provider.name());
          checked++;
        }
      }
    }
    assertEquals(2 * 4 * MIXES.length, checked);
  }

  @Test
  void matchesCommonsMath() {
    int[][] shapes = {{37, 41, 53}, {70, 130, 300}};
    for (KernelProvider provider : providers()) {
      for (int op = 0; op < 4; op++) {
        for (int[] mnk : shapes) {
          GemmCase g = new GemmCase(random, (op & 1) != 0, (op & 2) != 0, mnk[0], mnk[1], mnk[2], 1f, 0f, false);
          g.run(provider.blas(), null);
          RealMatrix want = operand(g, true).multiply(operand(g, false));
          for (int i = 0; i < g.m; i++) {
            for (int j = 0; j < g.n; j++) {
              assertEquals(want.getEntry(i, j), g.c[i * g.ldc + j], g.tolerance(), provider.name() + " " + g);
            }
          }
        }
      }
    }
  }

  /** op(A) (m×k) or op(B) (k×n) of a case as a Commons Math matrix. */
  private static RealMatrix operand(GemmCase g, boolean isA) {
    int rows = isA ? g.m : g.k, cols = isA ? g.k : g.n;
    double[][] x = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        x[i][j] = isA ? g.opA(i, j) : g.opB(i, j);
      }
    }
    return new Array2DRowRealMatrix(x, false);
  }

  @Test
  void scalarKernelMatchesHandComputedProduct() {
    // [1 2 3; 4 5 6] · [1 0; 0 1; 2 -1] = [7 -1; 16 -1], then 2·that + 1·[1 1; 1 1]
    float[] a = {1, 2, 3, 4, 5, 6};
    float[] b = {1, 0, 0, 1, 2, -1};
    float[] c = {1, 1, 1, 1};
    scalar().blas().gemm(false, false, 2, 2, 3, 2f, a, 0, 3, b, 0, 2, 1f, c, 0, 2, null);
    assertArrayEquals(new float[] {15, -1, 33, -1}, c);
    // the same with A stored transposed (3×2) and B stored transposed (2×3)
    float[] at = {1, 4, 2, 5, 3, 6};
    float[] bt = {1, 0, 2, 0, 1, -1};
    float[] c2 = new float[4];
    scalar().blas().gemm(true, true, 2, 2, 3, 1f, at, 0, 2, bt, 0, 3, 0f, c2, 0, 2, null);
    assertArrayEquals(new float[] {7, -1, 16, -1}, c2);
  }

  @Test
  void parallelGivesSequentialBits() throws Exception {
    // above KernelParameters.GEMM_PARALLEL_FLOPS; random sizes in [3/4 n, n]
    int[][] tops = {{140, 300, 270}, {64, 500, 800}, {700, 40, 90}};
    ForkJoinPool[] pools = {new ForkJoinPool(1), new ForkJoinPool(2), new ForkJoinPool(3)};
    try {
      int checked = 0;
      for (KernelProvider provider : providers()) {
        for (int t = 0; t < tops.length; t++) {
          int m = shrink(tops[t][0]), n = shrink(tops[t][1]), k = shrink(tops[t][2]);
          int op = (t + checked) % 4;
          GemmCase g = new GemmCase(random, (op & 1) != 0, (op & 2) != 0, m, n, k, 0.5f, 0.5f, true);
          g.run(provider.blas(), null);
          float[] sequential = g.c.clone();
          for (ForkJoinPool pool : pools) {
            g.reset();
            g.run(provider.blas(), pool);
            assertArrayEquals(sequential, g.c, provider.name() + " " + g + " on " + pool.getParallelism() + " threads");
          }
          // a parallel GEMM started from inside a task of the same pool (a nested workspace)
          g.reset();
          pools[1].submit(() -> g.run(provider.blas(), pools[1])).get();
          assertArrayEquals(sequential, g.c, provider.name() + " " + g + " nested in the pool");
          checked++;
        }
      }
      assertTrue(checked >= tops.length);
    } finally {
      for (ForkJoinPool pool : pools) {
        pool.shutdown();
      }
    }
  }

  @Test
  void parallelResultIsCorrect() {
    ForkJoinPool pool = new ForkJoinPool(2);
    try {
      for (KernelProvider provider : providers()) {
        GemmCase g = new GemmCase(random, false, true, 67, 290, 131, 1f, 0f, true);
        g.run(provider.blas(), pool);
        g.verify(provider.name() + " on 2 threads");
      }
    } finally {
      pool.shutdown();
    }
  }

  private int shrink(int top) {
    return top - random.nextInt(top / 4 + 1);
  }
}
