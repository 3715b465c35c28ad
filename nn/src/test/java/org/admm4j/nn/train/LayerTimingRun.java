package org.admm4j.nn.train;

import java.util.List;
import java.util.Random;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.layers.Layer;

/**
 * Experiment, not a test: time per layer of forward and backward (and the SGD step) for one batch.
 * Arguments: model poolThreads batch iterations. Process CPU time unless -Dwall=true.
 */
public final class LayerTimingRun {

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  /** Process CPU time: robust against other processes on a loaded machine (not against our own threads). */
  private static long cpu() {
    return Boolean.getBoolean("wall") ? System.nanoTime() : OS.getProcessCpuTime();
  }

  public static void main(String[] args) {
    Model m = Models.create(args[0], 1);
    KernelThreads.setThreads(Integer.parseInt(args[1]));
    int batch = Integer.parseInt(args[2]);
    int iters = Integer.parseInt(args[3]);
    List<Layer> layers = m.layers();
    int nl = layers.size();
    Layer.Context[] ctx = new Layer.Context[nl];
    for (int i = 0; i < nl; i++) {
      List<Parameter> ps = layers.get(i).parameters();
      float[][] g = new float[ps.size()][];
      for (int k = 0; k < g.length; k++) {
        g[k] = new float[ps.get(k).size()];
      }
      ctx[i] = layers.get(i).newContext(batch, g);
    }
    float[] x = new float[batch * m.inputSize()];
    Random r = new Random(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    float[] dl = new float[batch * m.classes()];
    long[] fwd = new long[nl], bwd = new long[nl];
    for (int it = 0; it < iters; it++) {
      boolean record = it >= iters / 3;
      float[] a = x;
      for (int i = 0; i < nl; i++) {
        long t0 = cpu();
        a = layers.get(i).forward(ctx[i], a, batch, true);
        if (record) {
          fwd[i] += cpu() - t0;
        }
      }
      for (int i = 0; i < dl.length; i++) {
        dl[i] = (float) r.nextGaussian() * 0.01f;
      }
      float[] d = dl;
      for (int i = nl - 1; i >= 0; i--) {
        long t0 = cpu();
        d = layers.get(i).backward(ctx[i], d, batch, i > 0);
        if (record) {
          bwd[i] += cpu() - t0;
        }
      }
    }
    int n = iters - iters / 3;
    double total = 0;
    for (int i = 0; i < nl; i++) {
      System.out.printf("%-8s fwd %8.3f ms  bwd %8.3f ms%n", layers.get(i).name(), fwd[i] / 1e6 / n, bwd[i] / 1e6 / n);
      total += (fwd[i] + bwd[i]) / 1e6 / n;
    }
    System.out.printf("total %.3f ms per batch of %d = %.0f img/s%n", total, batch, batch / total * 1000);
  }
}
