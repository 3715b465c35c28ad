package org.admm4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.inference.Execution;
import org.admm4j.nn.inference.InferenceModel;
import org.admm4j.onnx.OnnxExporter;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * admm4j's inference next to ONNX Runtime's on the same model: the model is built here (a zoo network
 * with random weights pruned to a profile, which times the same as a trained one of that sparsity),
 * exported to ONNX for the peer, and both run batch-1 ({@code predict}) and batch-64
 * ({@code predictBatch64}) on one calling thread. {@code threads} is ONNX Runtime's intra-op thread
 * count and the size of admm4j's kernel pool (admm4j's sparse kernels run on the calling thread).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar ServingBench
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
public class ServingBench {

  /** admm4j (its sparse path where it pays, {@code Execution.AUTO}) or the peer. */
  @Param({"admm4j", "onnxruntime"})
  String impl;

  /** A zoo network and the share of conv/linear weights kept (per layer, as the ADMM presets do). */
  @Param({"lenet5-dense", "lenet5-40x", "lenet5-71x", "convnet-dense", "convnet-10x"})
  String model;

  @Param({"1", "2"})
  int threads;

  private InferenceModel admm4j;
  private OrtEnvironment env;
  private OrtSession session;
  private String inputName;
  private long[] batchShape;
  private long[] imageShape;
  private float[] image;
  private float[] batch;
  private Path onnxFile;

  /** Per-layer keep fractions by profile, in weight order (LeNet-5: conv1, conv2, fc1, fc2). */
  static double[] profile(String model) {
    switch (model) {
      case "lenet5-40x":
        return new double[] {0.5, 0.10, 0.018, 0.15};
      case "lenet5-71x":
        return new double[] {0.8, 0.08, 0.008, 0.09};
      case "convnet-10x":
        return new double[] {0.5, 0.1, 0.1, 0.1, 0.08, 0.3};
      default:
        return null;
    }
  }

  static Model build(String model) {
    Model m = Models.create(model.substring(0, model.indexOf('-')), 42);
    double[] keep = profile(model);
    if (keep != null) {
      Random random = new Random(7);
      int layer = 0;
      for (Parameter p : m.weights()) {
        double k = keep[layer++];
        for (int i = 0; i < p.size(); i++) {
          if (random.nextDouble() >= k) {
            p.data()[i] = 0f;
          }
        }
      }
    }
    m.setTraining(false);
    return m;
  }

  @Setup
  public void setUp() throws IOException, OrtException {
    Model m = build(model);
    KernelThreads.setThreads(threads);
    int size = m.inputSize();
    Random random = new Random(42);
    batch = new float[64 * size];
    for (int i = 0; i < batch.length; i++) {
      batch[i] = (float) random.nextGaussian();
    }
    image = java.util.Arrays.copyOf(batch, size);
    if (impl.equals("admm4j")) {
      admm4j = InferenceModel.of(m, Execution.AUTO);
      return;
    }
    onnxFile = Files.createTempFile("serving-bench", ".onnx");
    OnnxExporter.write(onnxFile, m, null);
    env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(threads);
      o.setInterOpNumThreads(1);
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = env.createSession(onnxFile.toString(), o);
    }
    inputName = session.getInputNames().iterator().next();
    int[] in = m.inputShape();
    imageShape = new long[] {1, in[0], in[1], in[2]};
    batchShape = new long[] {64, in[0], in[1], in[2]};
  }

  @TearDown
  public void tearDown() throws IOException, OrtException {
    if (session != null) {
      session.close();
    }
    if (onnxFile != null) {
      Files.deleteIfExists(onnxFile);
    }
  }

  private float[][] ort(float[] x, long[] shape) throws OrtException {
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
        OrtSession.Result r = session.run(Map.of(inputName, t))) {
      return (float[][]) r.get(0).getValue();
    }
  }

  @Benchmark
  public Object predict() throws OrtException {
    return admm4j != null ? admm4j.predict(image) : ort(image, imageShape);
  }

  @Benchmark
  public Object predictBatch64() throws OrtException {
    return admm4j != null ? admm4j.predictBatch(batch, 64) : ort(batch, batchShape);
  }
}
