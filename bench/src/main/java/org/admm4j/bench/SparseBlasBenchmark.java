package org.admm4j.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.admm4j.kernels.Blas;
import org.admm4j.kernels.ConvShape;
import org.admm4j.kernels.Convolution;
import org.admm4j.kernels.CsrMatrix;
import org.admm4j.kernels.SparseBlas;
import org.admm4j.kernels.Transpose;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sparse against dense for LeNet-5's layers fc1 (500×800), conv1 (20×1×5×5 on 28×28) and conv2
 * (50×20×5×5 on 12×12),
 * across densities: the measurements behind {@code KernelParameters.SPARSE_*}. The dense side is whatever
 * {@code Blas.gemm} and {@code Convolution.forward} are in this build.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
// kernels of a few µs reach steady state within a second
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// a fork per run, so the sparse and dense paths never share a JIT profile with another setting
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
public class SparseBlasBenchmark {

  @Param({"0.01", "0.025", "0.1", "0.3", "0.5"})
  double density;

  @Param({"1", "64"})
  int batch;

  private CsrMatrix fc1;
  private float[] fc1Dense, fc1Bias, fcIn, fcOut, fcWorkspace;

  private ConvShape conv1;
  private CsrMatrix conv1Sparse;
  private float[] conv1Dense, conv1Bias, conv1In, conv1Out, conv1Workspace, sparseConv1Workspace;

  private ConvShape conv2;
  private CsrMatrix conv2Sparse;
  private float[] conv2Dense, conv2Bias, convIn, convOut, convWorkspace, sparseConvWorkspace;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    fc1Dense = RandomArrays.pruned(random, 500 * 800, density);
    fc1 = CsrMatrix.fromDense(500, 800, fc1Dense);
    fc1Bias = RandomArrays.uniform(random, 500, 0.5f);
    fcIn = RandomArrays.uniform(random, batch * 800, 0.5f);
    fcOut = new float[batch * 500];
    fcWorkspace = new float[Math.max(1, SparseBlas.linearWorkspaceSize(fc1, batch))];

    conv2 = new ConvShape(batch, 20, 12, 12, 50, 5, 5, 1, 0);
    conv2Dense = RandomArrays.pruned(random, conv2.weightSize(), density);
    conv2Sparse = CsrMatrix.fromDense(50, 500, conv2Dense);
    conv2Bias = RandomArrays.uniform(random, 50, 0.5f);
    convIn = RandomArrays.uniform(random, conv2.inputSize(), 0.5f);
    convOut = new float[conv2.outputSize()];
    convWorkspace = new float[Math.max(1, Convolution.workspaceSize(conv2))];
    sparseConvWorkspace = new float[Math.max(1, SparseBlas.convWorkspaceSize(conv2Sparse, conv2))];

    conv1 = new ConvShape(batch, 1, 28, 28, 20, 5, 5, 1, 0);
    conv1Dense = RandomArrays.pruned(random, conv1.weightSize(), density);
    conv1Sparse = CsrMatrix.fromDense(20, 25, conv1Dense);
    conv1Bias = RandomArrays.uniform(random, 20, 0.5f);
    conv1In = RandomArrays.uniform(random, conv1.inputSize(), 0.5f);
    conv1Out = new float[conv1.outputSize()];
    conv1Workspace = new float[Math.max(1, Convolution.workspaceSize(conv1))];
    sparseConv1Workspace = new float[Math.max(1, SparseBlas.convWorkspaceSize(conv1Sparse, conv1))];
  }

  @Benchmark
  public float[] linearSparse() {
    SparseBlas.linear(fc1, batch, fcIn, fc1Bias, fcOut, fcWorkspace);
    return fcOut;
  }

  @Benchmark
  public float[] linearDense() {
    Blas.gemm(Transpose.N, Transpose.T, batch, 500, 800, 1f, fcIn, 0, 800, fc1Dense, 0, 800, 0f, fcOut, 0, 500);
    return fcOut;
  }

  @Benchmark
  public float[] conv1Sparse() {
    SparseBlas.convForward(conv1Sparse, conv1, conv1In, conv1Bias, conv1Out, sparseConv1Workspace);
    return conv1Out;
  }

  @Benchmark
  public float[] conv1Dense() {
    Convolution.forward(conv1, conv1In, conv1Dense, conv1Bias, conv1Out, conv1Workspace);
    return conv1Out;
  }

  @Benchmark
  public float[] convSparse() {
    SparseBlas.convForward(conv2Sparse, conv2, convIn, conv2Bias, convOut, sparseConvWorkspace);
    return convOut;
  }

  @Benchmark
  public float[] convDense() {
    Convolution.forward(conv2, convIn, conv2Dense, conv2Bias, convOut, convWorkspace);
    return convOut;
  }
}
// How to run: mvn -B -q -pl bench -am package -DskipTests &&
//   java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar SparseBlasBenchmark -prof gc
// Scalar kernels: add -jvmArgsAppend -Dadmm4j.kernels=scalar
