package org.admm4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Random;
import org.admm4j.kernels.Blas;
import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.Convolution;
import org.admm4j.kernels.CsrMatrix;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.kernels.Kernels;
import org.admm4j.kernels.SparseBlas;
import org.admm4j.kernels.SparseConvolution;
import org.admm4j.kernels.Transpose;

/**
 * The measurements behind {@code KernelParameters.SPARSE_*}: sparse against dense for LeNet-5's fc1, conv1
 * and conv2 across densities at batch 1 and 64, the im2col-free convolution against im2col, and per-sample
 * SpMV against the transposed batched layout. One kernel thread; each figure is the best of 7 rounds of
 * <em>thread CPU time</em> per call, which stays meaningful on a machine shared with other jobs, where
 * wall-clock JMH scores swing by an order of magnitude.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar
 * org.admm4j.bench.SparseThresholds}
 */
public final class SparseThresholds {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final double[] DENSITIES = {0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0};

  private SparseThresholds() {}

  public static void main(String[] args) {
    KernelThreads.setThreads(1);
    System.out.println("kernels: " + Kernels.describe() + "; JDK " + System.getProperty("java.version")
        + "; microseconds of thread CPU time per call");
    Random random = new Random(1);
    System.out.println("layer  batch density   sparse    dense  dense/sparse");
    for (int batch : new int[] {1, 64}) {
      for (double d : DENSITIES) {
        linear(random, batch, d);
        conv(random, new ConvShape(batch, 1, 28, 28, 20, 5, 5, 1, 0), "conv1", d);
        conv(random, new ConvShape(batch, 20, 12, 12, 50, 5, 5, 1, 0), "conv2", d);
      }
    }
    System.out.println("conv2, batch 1: im2col against shifted runs (no im2col)");
    for (double d : new double[] {0.02, 0.05, 0.1, 0.15, 0.2, 0.3}) {
      ConvShape s = new ConvShape(1, 20, 12, 12, 50, 5, 5, 1, 0);
      CsrMatrix w = CsrMatrix.fromDense(50, 500, RandomArrays.pruned(random, s.weightSize(), d));
      float[] x = RandomArrays.uniform(random, s.inputSize(), 0.5f);
      float[] bias = RandomArrays.uniform(random, 50, 0.5f);
      float[] y = new float[s.outputSize()];
      float[] ws = new float[SparseBlas.convWorkspaceSize(w, s)];
      double im2col = micros(() -> SparseBlas.convForward(w, s, x, bias, y, ws), 500);
      // the shifted path, prepared as if the density were below the threshold
      SparseConvolution conv = SparseConvolution.of(w, s);
      float[] ws2 = new float[conv.workspaceSize()];
      double prepared = micros(() -> conv.forward(1, x, bias, y, ws2), 500);
      System.out.printf(Locale.ROOT, "  density %.2f: im2col %7.1f, SparseConvolution (%s) %7.1f%n", d, im2col,
          conv.shiftedRuns() ? "shifted" : "im2col", prepared);
    }
    System.out.println("fc 500×800: per-sample SpMV against the transposed batched layout");
    for (double d : new double[] {0.02, 0.1, 0.3}) {
      CsrMatrix w = CsrMatrix.fromDense(500, 800, RandomArrays.pruned(random, 500 * 800, d));
      for (int batch : new int[] {2, 4, 8, 16, 32}) {
        float[] x = RandomArrays.uniform(random, batch * 800, 0.5f);
        float[] bias = RandomArrays.uniform(random, 500, 0.5f);
        float[] y = new float[batch * 500];
        float[] ws = new float[Math.max(1, SparseBlas.linearWorkspaceSize(w, batch))];
        double chosen = micros(() -> SparseBlas.linear(w, batch, x, bias, y, ws), 50);
        double spmv = micros(() -> {
          for (int i = 0; i < batch; i++) {
            SparseBlas.mult(w, x, i * 800, bias, y, i * 500);
          }
        }, 50);
        System.out.printf(Locale.ROOT, "  density %.2f batch %2d: linear (%s) %7.1f, per-sample spmv %7.1f%n", d,
            batch, SparseBlas.linearWorkspaceSize(w, batch) > 0 ? "transposed" : "spmv", chosen, spmv);
      }
    }
  }

  private static void linear(Random random, int batch, double d) {
    float[] dense = RandomArrays.pruned(random, 500 * 800, d);
    CsrMatrix w = CsrMatrix.fromDense(500, 800, dense);
    float[] x = RandomArrays.uniform(random, batch * 800, 0.5f);
    float[] bias = RandomArrays.uniform(random, 500, 0.5f);
    float[] y = new float[batch * 500];
    float[] ws = new float[Math.max(1, SparseBlas.linearWorkspaceSize(w, batch))];
    int reps = batch == 1 ? 200 : 5;
    double sparse = micros(() -> SparseBlas.linear(w, batch, x, bias, y, ws), reps);
    double gemm = micros(() -> Blas.gemm(Transpose.N, Transpose.T, batch, 500, 800, 1f, x, 0, 800, dense, 0, 800,
        0f, y, 0, 500), reps);
    print("fc1", batch, d, sparse, gemm);
  }

  private static void conv(Random random, ConvShape s, String name, double d) {
    int taps = s.inChannels() * s.kernelHeight() * s.kernelWidth();
    float[] dense = RandomArrays.pruned(random, s.weightSize(), d);
    SparseConvolution conv = SparseConvolution.of(CsrMatrix.fromDense(s.outChannels(), taps, dense), s);
    float[] x = RandomArrays.uniform(random, s.inputSize(), 0.5f);
    float[] bias = RandomArrays.uniform(random, s.outChannels(), 0.5f);
    float[] y = new float[s.outputSize()];
    float[] ws = new float[conv.workspaceSize()];
    float[] denseWs = new float[Math.max(1, Convolution.workspaceSize(s))];
    int reps = s.batch() == 1 ? 200 : 5;
    double sparse = micros(() -> conv.forward(s.batch(), x, bias, y, ws), reps);
    double direct = micros(() -> Convolution.forward(s, x, dense, bias, y, denseWs), reps);
    print(name, s.batch(), d, sparse, direct);
  }

  private static void print(String layer, int batch, double d, double sparse, double dense) {
    System.out.printf(Locale.ROOT, "%-6s %5d %7.2f %8.1f %8.1f %8.2f%n", layer, batch, d, sparse, dense, dense / sparse);
  }

  /** Best of 7 rounds of thread CPU time per call, after a warm-up of 3 rounds' worth. */
  private static double micros(Runnable call, int reps) {
    for (int i = 0; i < 3 * reps; i++) {
      call.run();
    }
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 7; round++) {
      long t0 = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < reps; i++) {
        call.run();
      }
      best = Math.min(best, (THREADS.getCurrentThreadCpuTime() - t0) / 1e3 / reps);
    }
    return best;
  }
}
