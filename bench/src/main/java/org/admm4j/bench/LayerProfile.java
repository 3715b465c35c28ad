package org.admm4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Workspace;
import org.admm4j.nn.layers.Layer;
import org.admm4j.nn.layers.SoftmaxCrossEntropy;

/**
 * Where a training step's time goes: each layer's forward and backward timed on its own, on one thread,
 * on a workspace of {@code batch} random samples (a data-parallel shard's share of a batch). Prints the
 * median over the timed steps per layer and pass, their sum, and the images/s one core would give.
 * Not JMH: a step is the unit here, and the per-layer split is what matters, not the last percent. Times
 * are the thread's CPU time: on a shared machine wall time mostly measures the other processes.
 *
 * <p>usage: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar
 * org.admm4j.bench.LayerProfile [model=lenet5|SPEC.json] [batch=32] [warmup=600] [steps=400]}
 */
public final class LayerProfile {

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private LayerProfile() {}

  public static void main(String[] args) throws java.io.IOException {
    String modelName = args.length > 0 ? args[0] : "lenet5";
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 600;
    int steps = args.length > 3 ? Integer.parseInt(args[3]) : 400;
    KernelThreads.setThreads(1);
    // a zoo name or an architecture spec file (residual blocks are timed whole)
    Model model = modelName.endsWith(".json")
        ? org.admm4j.nn.spec.SpecReader.read(java.nio.file.Path.of(modelName)).build(1)
        : Models.create(modelName, 1);
    Workspace ws = model.newWorkspace(batch, true);
    Random random = new Random(42);
    float[] input = ws.input();
    for (int i = 0; i < batch * model.inputSize(); i++) {
      input[i] = (float) random.nextGaussian();
    }
    int[] targets = ws.targets();
    for (int i = 0; i < batch; i++) {
      targets[i] = random.nextInt(model.classes());
    }
    List<Layer> layers = model.layers();
    int n = layers.size();
    long[][] forward = new long[n][steps];
    long[][] backward = new long[n][steps];
    long[] loss = new long[steps];
    float[] dLogits = new float[batch * model.classes()];
    int firstTrainable = 0;
    while (firstTrainable < n && layers.get(firstTrainable).parameters().isEmpty()) {
      firstTrainable++;
    }
    model.setTraining(true);
    for (int s = -warmup; s < steps; s++) {
      float[] a = input;
      for (int i = 0; i < n; i++) {
        long t0 = CPU.getCurrentThreadCpuTime();
        a = layers.get(i).forward(ws.context(i), a, batch, true);
        if (s >= 0) {
          forward[i][s] = CPU.getCurrentThreadCpuTime() - t0;
        }
      }
      long t0 = CPU.getCurrentThreadCpuTime();
      SoftmaxCrossEntropy.lossAndGradient(a, batch, model.classes(), targets, 0, 1f / batch, dLogits);
      if (s >= 0) {
        loss[s] = CPU.getCurrentThreadCpuTime() - t0;
      }
      float[] d = dLogits;
      for (int i = n - 1; i >= firstTrainable; i--) {
        t0 = CPU.getCurrentThreadCpuTime();
        d = layers.get(i).backward(ws.context(i), d, batch, i > firstTrainable);
        if (s >= 0) {
          backward[i][s] = CPU.getCurrentThreadCpuTime() - t0;
        }
      }
    }
    System.out.printf("%s, %d samples, 1 thread, thread CPU time, median of %d steps after %d warm-up steps, %s%n",
        modelName, batch, steps, warmup, Runtime.version());
    System.out.printf("%-10s %10s %10s%n", "layer", "fwd ms", "bwd ms");
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double f = median(forward[i]), b = median(backward[i]);
      sum += f + b;
      System.out.printf("%-10s %10.3f %10.3f%n", layers.get(i).name(), f, b);
    }
    double l = median(loss);
    sum += l;
    System.out.printf("%-10s %10.3f%n", "loss", l);
    System.out.printf("sum %.3f ms per step of %d = %.0f images/s on one core (optimizer step not included)%n",
        sum, batch, batch / sum * 1e3);
  }

  private static double median(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2] / 1e6;
  }
}
