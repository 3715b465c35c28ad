package org.admm4j.bench;

import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.admm4j.kernels.internal.BlasSupport;
import org.admm4j.kernels.internal.KernelProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SGEMM {@code C = op(A)·op(B)} (alpha 1, beta 0), one op = one GEMM call; GFLOP/s = ops/s · 2mnk / 1e9.
 * {@code impl} picks the kernel set directly ({@code vector}: Vector API, {@code scalar}: plain Java);
 * {@code threads} 1 runs on the calling thread, more on a ForkJoin pool of that size.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
// C2 has compiled the micro-kernel after a few hundred calls; 3 s covers the largest shape's start
@Warmup(iterations = 3, time = 1)
// 5 one-second samples: enough for a median on a quiet machine, short enough on a shared one
@Measurement(iterations = 5, time = 1)
// a fresh JVM per parameter set, with the Vector API module, so no two kernels share a JIT profile
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class SgemmBench {

  /** Rows of op(A) and C. The target shapes: 512³, 1024³, 64×500×800, 64×800×500 (m×n×k), set with -p. */
  @Param({"512"})
  public int m;

  /** Columns of op(B) and C. */
  @Param({"512"})
  public int n;

  /** Inner dimension. */
  @Param({"512"})
  public int k;

  /** 1: sequential on the benchmark thread; more: a ForkJoin pool of that many workers. */
  @Param({"1", "2"})
  public int threads;

  /** {@code vector} (Vector API kernels) or {@code scalar} (plain Java). */
  @Param({"vector", "scalar"})
  public String impl;

  /** {@code N}: A stored m×k; {@code T}: A stored k×m. */
  @Param({"N"})
  public String transA;

  /** {@code N}: B stored k×n; {@code T}: B stored n×k. */
  @Param({"N"})
  public String transB;

  private BlasSupport blas;
  private ForkJoinPool pool;
  private boolean ta, tb;
  private int lda, ldb;
  private float[] a, b, c;

  @Setup(Level.Trial)
  public void setUp() {
    blas = switch (impl) {
      case "vector" -> KernelProvider.panama().blas();
      case "scalar" -> KernelProvider.scalar().blas();
      default -> throw new IllegalArgumentException("impl must be vector or scalar, not " + impl);
    };
    ta = parseTranspose("transA", transA);
    tb = parseTranspose("transB", transB);
    pool = threads > 1 ? new ForkJoinPool(threads) : null;
    lda = ta ? m : k;
    ldb = tb ? k : n;
    Random random = new Random(42);
    a = RandomArrays.uniform(random, m * k, 1f);
    b = RandomArrays.uniform(random, k * n, 1f);
    c = new float[m * n];
    // self-check: two corners of C against a double dot product
    gemm();
    checkEntry(0, 0);
    checkEntry(m - 1, n - 1);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (pool != null) {
      pool.shutdown();
    }
  }

  @Benchmark
  public float[] gemm() {
    blas.gemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n, pool);
    return c;
  }

  private void checkEntry(int i, int j) {
    double want = 0;
    for (int p = 0; p < k; p++) {
      want += (double) (ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
    }
    if (Math.abs(c[i * n + j] - want) > 1e-5 * k + 1e-4) {
      throw new IllegalStateException("C[" + i + "][" + j + "] = " + c[i * n + j] + ", expected " + want);
    }
  }

  private static boolean parseTranspose(String name, String value) {
    return switch (value) {
      case "N" -> false;
      case "T" -> true;
      default -> throw new IllegalArgumentException(name + " must be N or T, not " + value);
    };
  }

  /*
   * How to run (from the repository root):
   *   mvn -B -pl bench -am package -DskipTests
   *   java -jar bench/target/benchmarks.jar SgemmBench -p m=64 -p n=500 -p k=800 -p threads=1 -p impl=vector
   *   java -jar bench/target/benchmarks.jar SgemmBench -p transA=N,T -p transB=N,T -prof gc
   * bench/sgemm-vs-openblas.sh runs the target shapes next to OpenBLAS and prints the ratios.
   */
}
