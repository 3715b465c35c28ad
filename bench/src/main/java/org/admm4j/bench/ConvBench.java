package org.admm4j.bench;

import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.internal.ConvolutionSupport;
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
 * LeNet-5's two convolution layers (conv1 1→20 5×5 on 28×28, conv2 20→50 5×5 on 12×12): forward,
 * backward-data and backward-weights, per implementation set, thread count and batch. One op = one call
 * over the whole batch. FLOPs per op (2 per multiply-add) are the same for the three passes: at batch 64
 * conv1 36.9 M, conv2 204.8 M (half at batch 32, the shard of one worker in data-parallel training).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
// a few short iterations: the JIT settles within a second on these sizes; longer runs only add noise here
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// one fork per parameter set, so the two implementations never share a JIT profile
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
public class ConvBench {

  /** {@code vector}: the Vector API set; {@code scalar}: the plain-Java set. */
  @Param({"vector", "scalar"})
  public String impl;

  @Param({"conv1", "conv2"})
  public String layer;

  /** Workers of the pool handed to the kernels; 1 runs everything on the caller's thread. */
  @Param({"1", "2"})
  public int threads;

  /** Samples per call: 32 is one worker's shard of a 64-image step in data-parallel training. */
  @Param({"64", "32"})
  public int batch;

  private ConvolutionSupport conv;
  private ForkJoinPool pool;
  private ConvShape shape;
  private float[] x;
  private float[] w;
  private float[] bias;
  private float[] y;
  private float[] dy;
  private float[] dx;
  private float[] dw;
  private float[] dbias;
  private float[] workspace;

  @Setup(Level.Trial)
  public void setUp() {
    conv = switch (impl) {
      case "vector" -> KernelProvider.panama().convolution();
      case "scalar" -> KernelProvider.scalar().convolution();
      default -> throw new IllegalArgumentException("impl must be vector or scalar, got " + impl);
    };
    shape = switch (layer) {
      case "conv1" -> new ConvShape(batch, 1, 28, 28, 20, 5, 5, 1, 0);
      case "conv2" -> new ConvShape(batch, 20, 12, 12, 50, 5, 5, 1, 0);
      default -> throw new IllegalArgumentException("layer must be conv1 or conv2, got " + layer);
    };
    pool = threads > 1 ? new ForkJoinPool(threads) : null;
    Random random = new Random(42);
    x = RandomArrays.uniform(random, shape.inputSize(), 1f);
    w = RandomArrays.uniform(random, shape.weightSize(), 1f);
    bias = RandomArrays.uniform(random, shape.outChannels(), 1f);
    dy = RandomArrays.uniform(random, shape.outputSize(), 1f);
    y = new float[shape.outputSize()];
    dx = new float[shape.inputSize()];
    dw = new float[shape.weightSize()];
    dbias = new float[shape.outChannels()];
    workspace = new float[conv.workspaceSize(shape)];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (pool != null) {
      pool.shutdown();
    }
  }

  /** 2·(multiply-adds) of one pass over the batch. */
  public static double flops(ConvShape s) {
    return 2.0 * s.batch() * s.outChannels() * s.outHeight() * s.outWidth()
        * s.inChannels() * s.kernelHeight() * s.kernelWidth();
  }

  @Benchmark
  public float[] forward() {
    conv.forward(shape, x, w, bias, y, workspace, pool);
    return y;
  }

  @Benchmark
  public float[] backwardData() {
    conv.backwardData(shape, dy, w, dx, workspace, pool);
    return dx;
  }

  @Benchmark
  public float[] backwardWeights() {
    conv.backwardWeights(shape, x, dy, dw, dbias, workspace, pool);
    return dw;
  }

  /*
   * How to run (from the repository root):
   *   mvn -B -pl bench -am package -DskipTests
   *   java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar ConvBench -prof gc
   * Short, noisy-machine run:  ... ConvBench -f 1 -wi 3 -i 5 -w 1s -r 1s
   * One layer:                 ... ConvBench -p layer=conv1 -p threads=1
   * One shard of data-parallel training: ... ConvBench -p threads=1 -p batch=32
   * Narrower vectors:          ... ConvBench -jvmArgsAppend -XX:MaxVectorSize=32
   */
}
