package org.admm4j.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.optim.Sgd;
import org.admm4j.nn.train.Parallelism;
import org.admm4j.nn.train.Trainer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Training throughput: one SGD step (forward, softmax cross-entropy, backward, fused momentum update)
 * of a model on a batch of random 28×28 images, through {@link Trainer#trainBatch} ({@code step}) or
 * sixteen of them through {@link Trainer#trainEpoch} ({@code epoch}, the path real training takes). One
 * operation = one image, so the score is training images per second (the target for LeNet-5, batch 64, 2
 * threads: ≥ 7,000; the PyTorch peer ~2,900).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
// C2 needs a few hundred steps to compile the Vector API kernels; 3 × 2 s covers it
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
// one fork per parameter set, so the modes and thread counts never share a JIT profile
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
public class TrainStepBench {

  private static final int SAMPLES = 4096;

  @Param({"lenet5"})
  public String model;

  @Param({"64"})
  public int batch;

  /** Workers of the kernel pool (and shards in DATA mode). */
  @Param({"1", "2"})
  public int threads;

  @Param({"KERNELS", "DATA"})
  public String parallelism;

  private Trainer trainer;
  private float[] images;
  private byte[] labels;
  private int[] order;
  private int position;

  @Setup(Level.Trial)
  public void setUp() {
    Model m = Models.create(model, 1);
    trainer = new Trainer(m, new Sgd(m.parameters(), 0.001f, 0.9f, false, 5e-4f), threads, batch,
        Parallelism.valueOf(parallelism));
    Random random = new Random(42);
    images = new float[SAMPLES * m.inputSize()];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) random.nextGaussian();
    }
    labels = new byte[SAMPLES];
    order = new int[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      labels[i] = (byte) random.nextInt(m.classes());
      order[i] = i;
    }
  }

  /** One step on the next {@code batch} samples; returns the batch loss so it is not dead code. */
  @Benchmark
  @OperationsPerInvocation(64)
  public double step() {
    if (position + batch > SAMPLES) {
      position = 0;
    }
    double loss = trainer.trainBatch(images, labels, order, position, batch);
    position += batch;
    if (!(loss > 0)) {
      throw new IllegalStateException("training diverged: batch loss " + loss);
    }
    return loss;
  }

  /**
   * Sixteen steps of {@code batch} samples through {@link Trainer#trainEpoch}, as the CLI and the
   * pipeline train (in DATA mode the epoch loop runs on a pool worker). One operation = one image.
   */
  @Benchmark
  @OperationsPerInvocation(EPOCH_SAMPLES)
  public double epoch() {
    if (epochOrder == null) {
      epochOrder = new int[16 * batch];
    }
    for (int i = 0; i < epochOrder.length; i++) {
      epochOrder[i] = (position + i) % SAMPLES;
    }
    position = (position + epochOrder.length) % SAMPLES;
    double loss = trainer.trainEpoch(images, labels, SAMPLES, epochOrder, null).meanLoss();
    if (!(loss > 0)) {
      throw new IllegalStateException("training diverged: mean loss " + loss);
    }
    return loss;
  }

  /** Samples per {@link #epoch()} call for the default batch of 64. */
  private static final int EPOCH_SAMPLES = 16 * 64;
  private int[] epochOrder;
}

// How to run (from the repository root):
//   mvn -B -q -pl bench -am package -DskipTests
//   java -jar bench/target/benchmarks.jar TrainStepBench -p threads=2 -prof gc
// Scores are images/s for batch 64 (@OperationsPerInvocation matches the default batch; with -p batch=N
// divide by 64 and multiply by N). The plain-Java kernels: add -jvmArgsAppend -Dadmm4j.kernels=scalar.
