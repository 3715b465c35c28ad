package org.admm4j.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.WinogradConvolution;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The zoo convnet's 3×3 padding-1 layers (conv1 1→32 and conv2 32→32 at 28×28, conv3 32→64 and conv4
 * 64→64 at 14×14) and a ResNet's (res16 16→16 and res64 64→64 at 32×32, 8×8): the Vector API
 * {@code Convolution.forward} (im2col + GEMM, one sample a chunk) against {@link WinogradConvolution}, on
 * one thread. One op = one forward over the batch, bias added, no ReLU.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
// a few short iterations: the JIT settles within a second on these sizes; longer runs only add noise here
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// one fork per parameter set, so the two algorithms never share a JIT profile
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
public class WinogradBench {

  @Param({"conv1", "conv2", "conv3", "conv4"})
  public String layer;

  @Param({"1", "64"})
  public int batch;

  private ConvolutionSupport im2col;
  private WinogradConvolution winograd;
  private ConvShape shape;
  private float[] x;
  private float[] w;
  private float[] bias;
  private float[] y;
  private float[] im2colWorkspace;
  private float[] winogradWorkspace;

  @Setup(Level.Trial)
  public void setUp() {
    shape = switch (layer) {
      case "conv1" -> new ConvShape(batch, 1, 28, 28, 32, 3, 3, 1, 1);
      case "conv2" -> new ConvShape(batch, 32, 28, 28, 32, 3, 3, 1, 1);
      case "conv3" -> new ConvShape(batch, 32, 14, 14, 64, 3, 3, 1, 1);
      case "conv4" -> new ConvShape(batch, 64, 14, 14, 64, 3, 3, 1, 1);
      case "res16" -> new ConvShape(batch, 16, 32, 32, 16, 3, 3, 1, 1);
      case "res64" -> new ConvShape(batch, 64, 8, 8, 64, 3, 3, 1, 1);
      default -> throw new IllegalArgumentException("unknown layer " + layer);
    };
    im2col = KernelProvider.panama().convolution();
    Random random = new Random(42);
    x = RandomArrays.uniform(random, shape.inputSize(), 1f);
    w = RandomArrays.uniform(random, shape.weightSize(), 1f);
    bias = RandomArrays.uniform(random, shape.outChannels(), 1f);
    y = new float[shape.outputSize()];
    im2colWorkspace = new float[Math.max(1, im2col.workspaceSize(shape))];
    winograd = WinogradConvolution.of(shape, w);
    winogradWorkspace = new float[winograd.workspaceSize(batch)];
    // self-check: both algorithms compute the same layer
    float[] reference = new float[shape.outputSize()];
    im2col.forward(shape, x, w, bias, reference, im2colWorkspace, null);
    winograd.forward(batch, x, bias, false, y, winogradWorkspace);
    double tolerance = 1e-5 * 9 * shape.inChannels() + 1e-5;
    for (int i = 0; i < y.length; i++) {
      if (!(Math.abs(y[i] - reference[i]) <= tolerance)) {
        throw new IllegalStateException(layer + ": Winograd " + y[i] + " against im2col " + reference[i] + " at " + i);
      }
    }
  }

  /** 2·(multiply-adds) of the direct convolution over the batch: the FLOP count both are credited with. */
  public static double flops(ConvShape s) {
    return 2.0 * s.batch() * s.outChannels() * s.outHeight() * s.outWidth() * s.inChannels() * 9;
  }

  @Benchmark
  public float[] im2col() {
    im2col.forward(shape, x, w, bias, y, im2colWorkspace, null);
    return y;
  }

  @Benchmark
  public float[] winograd() {
    winograd.forward(batch, x, bias, false, y, winogradWorkspace);
    return y;
  }

  /*
   * How to run (from the repository root):
   *   mvn -B -pl bench -am package -DskipTests
   *   java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar WinogradBench -prof gc
   * Short, noisy-machine run:  ... WinogradBench -f 1 -wi 3 -i 5 -r 1
   * ResNet layers:             ... WinogradBench -p layer=res16,res64
   * Narrower vectors:          ... WinogradBench -jvmArgsAppend -XX:MaxVectorSize=32
   */
}
