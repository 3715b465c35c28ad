package org.admm4j.bench;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.admm4j.kernels.KernelParameters;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.kernels.internal.KernelProvider;
import org.admm4j.kernels.internal.ProjectionSupport;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ADMM Z-step's top-k magnitude projection against its floor and a sort.
 *
 * <ul>
 *   <li>{@code vector}, {@code scalar}: the radix selection of the Vector API and plain-Java kernels,
 *       on {@link KernelThreads#pool()} from {@link KernelParameters#PROJECTION_PARALLEL_ELEMENTS} on
 *       (as the {@code Projection} facade does);
 *   <li>{@code sort}: copy, then {@code Arrays.sort} (one thread), the baseline to beat by 20×;
 *   <li>{@code copy}: one {@code System.arraycopy} of the input (one thread), the memory floor: one read
 *       and one write of the array, as every top-k must do;
 *   <li>{@code vector1}, {@code scalar1} (not in the default set; {@code -p impl=vector1}): the kernels on
 *       the calling thread only, to compare with {@code copy} thread for thread.
 * </ul>
 * Inputs: Gaussian weights (σ = 0.05, like a trained layer), seeded.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
// a few seconds of warm-up: the kernels and the pool's threads must be compiled and started
@Warmup(iterations = 3, time = 1)
// five one-second samples: enough for a median on a quiet machine
@Measurement(iterations = 5, time = 1)
// a fresh JVM per configuration, so implementations never share a JIT profile
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class TopKBench {

  @Param({"4096", "431080", "37748736"})
  int n;

  @Param({"0.01", "0.1"})
  double keep;

  @Param({"vector", "scalar", "sort", "copy"})
  String impl;

  private float[] w;
  private float[] out;
  private int k;
  private ProjectionSupport projection;
  private ForkJoinPool pool;
  private float expectedThreshold;

  @Setup(Level.Trial)
  public void setUp() {
    Random random = new Random(42);
    w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) random.nextGaussian() * 0.05f;
    }
    out = new float[n];
    k = (int) Math.round(keep * n);
    pool = n >= KernelParameters.PROJECTION_PARALLEL_ELEMENTS && !impl.endsWith("1") ? KernelThreads.pool() : null;
    switch (impl) {
      case "vector":
      case "vector1":
        projection = KernelProvider.panama().projection();
        break;
      case "scalar":
      case "scalar1":
        projection = KernelProvider.scalar().projection();
        break;
      case "sort":
      case "copy":
        break;
      default:
        throw new IllegalArgumentException("impl: expected vector, scalar, sort, copy, vector1 or scalar1, found " + impl);
    }
    // self-check: the threshold is the k-th largest magnitude
    float[] magnitudes = new float[n];
    for (int i = 0; i < n; i++) {
      magnitudes[i] = Math.abs(w[i]);
    }
    Arrays.sort(magnitudes);
    expectedThreshold = magnitudes[n - k];
    if (projection != null) {
      float t = projection.topK(n, k, w, 0, out, 0, pool);
      if (t != expectedThreshold) {
        throw new IllegalStateException(impl + " threshold " + t + ", expected " + expectedThreshold);
      }
    }
  }

  @Benchmark
  public float topK() {
    switch (impl) {
      case "vector":
      case "scalar":
      case "vector1":
      case "scalar1":
        return projection.topK(n, k, w, 0, out, 0, pool);
      case "sort":
        System.arraycopy(w, 0, out, 0, n);
        Arrays.sort(out);
        return out[n - k];
      default:
        System.arraycopy(w, 0, out, 0, n);
        return out[n - 1];
    }
  }
}
// How to run:
//   mvn -B -pl bench -am package -DskipTests
//   java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar TopKBench
//   (short: add -f 1 -wi 3 -i 5 -w 1s -r 1s; one size: -p n=37748736; allocation: -prof gc)
