package org.admm4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consensus machinery on a convex toy with a cardinality constraint: least squares
 * {@code min Σ_k ½‖A_k w − b_k‖² s.t. card(w) ≤ k}, its W-step solved exactly, on Spark and by a plain in-process
 * consensus ADMM in double precision written from Boyd et al. §7.1 / §9.1.
 */
class ConsensusAdmmTest {

  static final int N = 40;
  static final int KEEP = 6;
  static final int ROWS = 50;
  static final int PARTITIONS = 3;
  static final double RHO = 5;
  static final int ITERATIONS = 40;

  private static JavaSparkContext sc;
  private static final java.util.concurrent.atomic.AtomicInteger INJECTED = new java.util.concurrent.atomic.AtomicInteger();

  /** local[2,2]: two threads, and a failed task is tried once more (local mode's default is never). */
  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(LocalClusters.conf("local[2,2]", null).setAppName("admm4j-consensus-test"));
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  /** One partition's rows of the least-squares problem. */
  record Rows(int partition, double[][] a, double[] b) implements Serializable {}

  /** A k-sparse truth, Gaussian rows, a little noise; fresh from {@code seed}. */
  static List<Rows> problem(long seed, double[] truth) {
    Random r = new Random(seed);
    List<Integer> support = IntStream.range(0, N).boxed().collect(Collectors.toList());
    java.util.Collections.shuffle(support, r);
    for (int i = 0; i < KEEP; i++) {
      truth[support.get(i)] = (r.nextBoolean() ? 1 : -1) * (1 + r.nextDouble());
    }
    List<Rows> out = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      double[][] a = new double[ROWS][N];
      double[] b = new double[ROWS];
      for (int i = 0; i < ROWS; i++) {
        for (int j = 0; j < N; j++) {
          a[i][j] = r.nextGaussian();
          b[i] += a[i][j] * truth[j];
        }
        b[i] += 0.01 * r.nextGaussian();
      }
      out.add(new Rows(p, a, b));
    }
    return out;
  }

  /** argmin ½‖A w − b‖² + ρ/2 ‖w − v‖² = (AᵀA + ρI)⁻¹ (Aᵀb + ρv), by Cholesky, in double. */
  static double[] exactWStep(Rows d, double[] v, double rho) {
    double[][] m = new double[N][N];
    double[] rhs = new double[N];
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < N; j++) {
        rhs[j] += d.a()[i][j] * d.b()[i];
        for (int l = 0; l < N; l++) {
          m[j][l] += d.a()[i][j] * d.a()[i][l];
        }
      }
    }
    for (int j = 0; j < N; j++) {
      m[j][j] += rho;
      rhs[j] += rho * v[j];
    }
    double[][] lo = new double[N][N];
    for (int j = 0; j < N; j++) {
      for (int l = 0; l <= j; l++) {
        double s = m[j][l];
        for (int q = 0; q < l; q++) {
          s -= lo[j][q] * lo[l][q];
        }
        lo[j][l] = j == l ? Math.sqrt(s) : s / lo[l][l];
      }
    }
    double[] y = new double[N];
    for (int j = 0; j < N; j++) {
      double s = rhs[j];
      for (int q = 0; q < j; q++) {
        s -= lo[j][q] * y[q];
      }
      y[j] = s / lo[j][j];
    }
    double[] x = new double[N];
    for (int j = N - 1; j >= 0; j--) {
      double s = y[j];
      for (int q = j + 1; q < N; q++) {
        s -= lo[q][j] * x[q];
      }
      x[j] = s / lo[j][j];
    }
    return x;
  }

  /** Keeps the k largest magnitudes (ties to the lower index), by sorting: the reference for the top-k kernel. */
  static double[] project(double[] v, int k) {
    Integer[] idx = IntStream.range(0, v.length).boxed().toArray(Integer[]::new);
    Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> -Math.abs(v[i])).thenComparingInt(i -> i));
    double[] z = new double[v.length];
    for (int i = 0; i < k; i++) {
      z[idx[i]] = v[idx[i]];
    }
    return z;
  }

  /** The exact W-step as a task. */
  static LocalSolver<Rows> exactSolver() {
    return (d, s, zk, free, rho, k) -> {
      double[] v = new double[N];
      for (int j = 0; j < N; j++) {
        v[j] = zk[0][j] - s.u()[0][j];
      }
      double[] w = exactWStep(d, v, rho);
      float[] wf = new float[N];
      for (int j = 0; j < N; j++) {
        wf[j] = (float) w[j];
      }
      return new ConsensusState(s.partition(), new float[][] {wf}, s.u(), new float[0][], null,
          new TaskFigures(0, 0, Double.NaN, ROWS));
    };
  }

  /** Z after {@code iterations} iterations on Spark with {@code solver}. */
  static float[] sparkZ(List<Rows> rows, LocalSolver<Rows> solver, int iterations) {
    JavaRDD<Rows> data = sc.parallelize(rows, PARTITIONS).cache();
    JavaRDD<ConsensusState> initial = data.map(d -> ConsensusState.start(d.partition(), new float[][] {new float[N]},
        new float[0][], null));
    try (ConsensusAdmm<Rows> admm = new ConsensusAdmm<>(sc, data, initial, new int[] {KEEP},
        new float[][] {new float[N]}, new float[0][], solver, 2)) {
      for (int it = 0; it < iterations; it++) {
        admm.iterate(it, RHO);
      }
      return admm.z()[0].clone();
    } finally {
      data.unpersist(false);
    }
  }

  @Test
  void aFailedTaskIsRetriedWithItsStateIntact() {
    List<Rows> rows = problem(7L, new double[N]);
    float[] clean = sparkZ(rows, exactSolver(), 6);
    LocalSolver<Rows> exact = exactSolver();
    // partition 1's first attempt at iteration 4 (past the checkpoint after iteration 3) dies after reading its state
    LocalSolver<Rows> flaky = (d, s, zk, free, rho, k) -> {
      if (k == 4 && d.partition() == 1 && org.apache.spark.TaskContext.get().attemptNumber() == 0) {
        INJECTED.incrementAndGet();
        throw new IllegalStateException("injected task failure");
      }
      return exact.solve(d, s, zk, free, rho, k);
    };
    float[] retried = sparkZ(rows, flaky, 6);
    assertEquals(1, INJECTED.get(), "failures injected (local mode: the tasks run in this JVM)");
    assertArrayEquals(clean, retried);
  }

  @Test
  void matchesTheReferenceConsensusAdmmWithExactlyKNonZerosAndAFallingResidual() {
    double[] truth = new double[N];
    List<Rows> rows = problem(20260512L, truth);

    // the reference: consensus ADMM in double, in process
    double[][] x = new double[PARTITIONS][N];
    double[][] u = new double[PARTITIONS][N];
    double[] z = new double[N];
    double[][] refZ = new double[ITERATIONS][];
    double[] refPrimal = new double[ITERATIONS];
    for (int it = 0; it < ITERATIONS; it++) {
      double[] mean = new double[N];
      for (int p = 0; p < PARTITIONS; p++) {
        double[] v = new double[N];
        for (int j = 0; j < N; j++) {
          v[j] = z[j] - u[p][j];
        }
        x[p] = exactWStep(rows.get(p), v, RHO);
        for (int j = 0; j < N; j++) {
          mean[j] += (x[p][j] + u[p][j]) / PARTITIONS;
        }
      }
      z = project(mean, KEEP);
      double primal = 0;
      for (int p = 0; p < PARTITIONS; p++) {
        for (int j = 0; j < N; j++) {
          u[p][j] += x[p][j] - z[j];
          primal += (x[p][j] - z[j]) * (x[p][j] - z[j]);
        }
      }
      refZ[it] = z;
      refPrimal[it] = Math.sqrt(primal);
    }

    // the same on Spark, W and U held per partition in float
    JavaRDD<Rows> data = sc.parallelize(rows, PARTITIONS).cache();
    JavaRDD<ConsensusState> initial = data.map(d -> ConsensusState.start(d.partition(), new float[][] {new float[N]},
        new float[0][], null));
    LocalSolver<Rows> wStep = exactSolver();
    double[] primal = new double[ITERATIONS];
    try (ConsensusAdmm<Rows> admm = new ConsensusAdmm<>(sc, data, initial, new int[] {KEEP},
        new float[][] {new float[N]}, new float[0][], wStep, 4)) {
      for (int it = 0; it < ITERATIONS; it++) {
        ConsensusAdmm.Iteration r = admm.iterate(it, RHO);
        primal[it] = r.primal()[0];
        float[] zs = admm.z()[0];
        int nonzero = 0;
        for (int j = 0; j < N; j++) {
          nonzero += zs[j] != 0f ? 1 : 0;
          assertEquals(refZ[it][j] != 0, zs[j] != 0f, "support of Z at " + j + ", iteration " + it);
          assertEquals(refZ[it][j], zs[j], 1e-4 * (1 + Math.abs(refZ[it][j])), "Z[" + j + "], iteration " + it);
        }
        assertEquals(KEEP, nonzero, "non-zeros of Z, iteration " + it);
        assertEquals(refPrimal[it], primal[it], 1e-4 * (1 + refPrimal[it]), "primal residual, iteration " + it);
        assertEquals(2 * 3 * 4L * N + 3 * 8L, r.spark().bytes());
      }
      // the residual falls (linearly once the support has settled), and Z found the truth's support
      assertTrue(primal[ITERATIONS - 1] < 1e-2 * primal[0], "primal " + primal[0] + " -> " + primal[ITERATIONS - 1]);
      for (int it = ITERATIONS / 2; it < ITERATIONS; it++) {
        assertTrue(primal[it] <= primal[it - 1] * 1.0001 + 1e-6, "primal rose at iteration " + it + ": "
            + primal[it - 1] + " -> " + primal[it]);
      }
      float[] zs = admm.z()[0];
      for (int j = 0; j < N; j++) {
        assertEquals(truth[j] != 0, zs[j] != 0f, "support at " + j);
      }
      // the consensus W (mean over partitions) is close to Z at the end
      float[] wbar = admm.meanX()[0];
      for (int j = 0; j < N; j++) {
        assertEquals(zs[j], wbar[j], 1e-3);
      }
    }
  }
}
