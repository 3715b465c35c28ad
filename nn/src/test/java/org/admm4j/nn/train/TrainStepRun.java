package org.admm4j.nn.train;

import java.util.Random;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.optim.Sgd;

/**
 * Experiment, not a test: training images/s of one model on random data, steady state. Arguments:
 * model KERNELS|DATA threads batch seconds. Prints the median of one-second windows.
 */
public final class TrainStepRun {

  public static void main(String[] args) {
    String name = args[0];
    Parallelism mode = Parallelism.valueOf(args[1]);
    int threads = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    double seconds = Double.parseDouble(args[4]);
    Model m = Models.create(name, 1);
    int n = 4096;
    float[] images = new float[n * m.inputSize()];
    byte[] labels = new byte[n];
    Random r = new Random(1);
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) r.nextInt(10);
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Trainer t = new Trainer(m, new Sgd(m.parameters(), 0.001f, 0.9f), threads, batch, mode);
    java.util.List<Double> rates = new java.util.ArrayList<>();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    int pos = 0;
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      int done = 0;
      while (System.nanoTime() - t0 < 1_000_000_000L) {
        if (pos + batch > n) {
          pos = 0;
        }
        t.trainBatch(images, labels, order, pos, batch);
        pos += batch;
        done += batch;
      }
      rates.add(done / ((System.nanoTime() - t0) / 1e9));
    }
    java.util.Collections.sort(rates);
    System.out.printf("%s %s threads=%d pool=%d batch=%d: median %.0f img/s, best %.0f (%d windows)%n", name, mode,
        threads,
        KernelThreads.threads(), batch, rates.get(rates.size() / 2), rates.get(rates.size() - 1), rates.size());
  }
}
