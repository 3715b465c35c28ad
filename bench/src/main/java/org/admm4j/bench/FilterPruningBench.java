package org.admm4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.inference.Execution;
import org.admm4j.nn.inference.InferenceModel;
import org.admm4j.nn.surgery.ChannelTensors;
import org.admm4j.nn.surgery.FilterRemoval;
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
 * What filter pruning buys at serving time: the zoo convnet's batch-1 latency dense ({@code dense}), after
 * the {@code convnet-filter} preset's filters are removed ({@code shrunk}: 16/14/28/28 conv filters and
 * 128 fc1 features, a smaller dense network), and pruned unstructured to the same MACs per layer
 * ({@code sparse}: each layer keeps, at random, the fraction of its weights the shrunk network's layer
 * has of its MACs, served by admm4j's sparse path where it pays, {@code Execution.AUTO}). Random weights
 * time the same as trained ones of that shape and sparsity.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar FilterPruningBench
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
public class FilterPruningBench {

  @Param({"dense", "shrunk", "sparse"})
  String variant;

  @Param({"1"})
  int threads;

  private InferenceModel model;
  private float[] image;

  /** The filters (features) the convnet-filter preset keeps per layer. */
  static Map<String, Integer> presetFilters() {
    Map<String, Integer> k = new LinkedHashMap<>();
    k.put("conv1", 16);
    k.put("conv2", 14);
    k.put("conv3", 28);
    k.put("conv4", 28);
    k.put("fc1", 128);
    return k;
  }

  /** The convnet with the preset's filters kept (the first ones; which ones does not change the time). */
  static Model shrunk(Model m) {
    Map<String, boolean[]> keep = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : presetFilters().entrySet()) {
      Parameter w = m.parameter(e.getKey() + ".weight");
      int out = w.shape()[0];
      int per = w.size() / out;
      boolean[] mask = new boolean[out];
      for (int o = 0; o < out; o++) {
        mask[o] = o < e.getValue();
        if (!mask[o]) {
          java.util.Arrays.fill(w.data(), o * per, (o + 1) * per, 0f);
          for (Parameter c : ChannelTensors.of(m, e.getKey())) {
            c.data()[o] = 0f;
          }
        }
      }
      keep.put(e.getKey(), mask);
    }
    return FilterRemoval.removeFilters(m, keep);
  }

  @Setup
  public void setUp() {
    KernelThreads.setThreads(threads);
    Model dense = Models.create("convnet", 42);
    Model m;
    switch (variant) {
      case "dense" -> m = dense;
      case "shrunk" -> m = shrunk(Models.create("convnet", 42));
      case "sparse" -> {
        Model small = shrunk(Models.create("convnet", 42));
        Random random = new Random(7);
        for (Parameter p : dense.weights()) {
          Parameter q = small.parameter(p.name());
          double keep = (double) q.size() / p.size(); // same MACs per weight: the same share of MACs
          for (int i = 0; i < p.size(); i++) {
            if (random.nextDouble() >= keep) {
              p.data()[i] = 0f;
            }
          }
        }
        m = dense;
      }
      default -> throw new IllegalArgumentException(variant);
    }
    m.setTraining(false);
    model = InferenceModel.of(m, Execution.AUTO);
    Random random = new Random(42);
    image = new float[m.inputSize()];
    for (int i = 0; i < image.length; i++) {
      image[i] = (float) random.nextGaussian();
    }
  }

  @Benchmark
  public int predict() {
    return model.predict(image);
  }
}
