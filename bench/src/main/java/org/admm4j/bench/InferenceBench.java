package org.admm4j.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.inference.Execution;
import org.admm4j.nn.inference.InferenceModel;
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
 * LeNet-5 inference, dense path against the sparse one: batch-1 latency ({@code predict}) and batch-64
 * throughput ({@code predictBatch}; images/s = 64 / time per op), on the calling thread. The model is
 * {@code -p model=/path/model.safetensors} (or a compact file), or by default LeNet-5 with random weights
 * pruned to the ADMM 40× profile (conv1 50%, conv2 10%, fc1 1.8%, fc2 15% kept: 10.9k of 430.5k weights),
 * which times the same as a trained model of that sparsity.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
// the sparse path reaches steady state within a second; the dense one within two
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
// one fork per setting so the dense and sparse paths never share a JIT profile
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
public class InferenceBench {

  /** Per-layer keep fractions of the default model: compression ≈ 40×. */
  static final double[][] PROFILE_40X = {{0.5}, {0.10}, {0.018}, {0.15}};

  @Param({"DENSE", "AUTO"})
  String execution;

  @Param({""})
  String model;

  private InferenceModel inference;
  private float[] image;
  private float[] batch;

  @Setup
  public void setUp() throws IOException {
    Execution e = Execution.valueOf(execution);
    inference = model.isEmpty() ? InferenceModel.of(pruned40x(), e) : InferenceModel.load(Path.of(model), e);
    Random random = new Random(42);
    batch = new float[64 * inference.inputSize()];
    for (int i = 0; i < batch.length; i++) {
      batch[i] = (float) random.nextGaussian();
    }
    image = java.util.Arrays.copyOf(batch, inference.inputSize());
  }

  static Model pruned40x() {
    Model m = Models.create("lenet5", 42);
    Random random = new Random(7);
    int layer = 0;
    for (Parameter p : m.parameters()) {
      if (p.isWeight()) {
        double keep = PROFILE_40X[layer++][0];
        for (int i = 0; i < p.size(); i++) {
          if (random.nextDouble() >= keep) {
            p.data()[i] = 0f;
          }
        }
      }
    }
    return m;
  }

  @Benchmark
  public int predict() {
    return inference.predict(image);
  }

  @Benchmark
  public int[] predictBatch64() {
    return inference.predictBatch(batch, 64);
  }
}
// How to run: mvn -B -q -pl bench -am package -DskipTests &&
//   java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar InferenceBench -prof gc
// A trained model: add -p model=runs/<run>/model.safetensors
