package org.admm4j.nn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.admm4j.nn.AllocationMeter;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.junit.jupiter.api.Test;

/**
 * {@link InferenceModel} under load: 64 threads at once, each calling {@code predict}, {@code predictBatch}
 * and {@code logits} on batches of mixed sizes (1 to 150, across the {@link InferenceModel#CHUNK} boundary)
 * at mixed offsets, every answer compared bit for bit with the one a single thread got for the same batch
 * before the threads started; and, on the sparse path, the bytes each thread allocates per call once warm
 * (under 256: no buffer per call, at most a small task object where a kernel splits its work).
 * The calls per thread are {@code -Dadmm4j.load.calls=N} (default 40, a few seconds on 2 cores; the
 * issue's long run is {@code -Dadmm4j.load.calls=100000}).
 */
class InferenceModelLoadTest {
  private static final int THREADS = 64;
  private static final int CALLS = Integer.getInteger("admm4j.load.calls", 40);
  private static final int IMAGES = 160;
  private static final int[] BATCHES = {1, 2, 3, 7, 31, 63, 64, 65, 100, 127, 128, 129, 150};

  /** A window of the image pool: {@code n} images from {@code from}. */
  private record Window(int from, int n) {}

  private static Model pruned(long seed) {
    Model m = Models.create("lenet5", 7);
    Random random = new Random(seed);
    for (Parameter p : m.parameters()) {
      if (p.isWeight()) {
        float[] w = p.data();
        for (int i = 0; i < w.length; i++) {
          if (random.nextDouble() >= 0.03) {
            w[i] = 0f;
          }
        }
      }
    }
    return m;
  }

  @Test
  void sixtyFourThreadsGetTheSingleThreadedAnswersBitForBit() throws Exception {
    Model model = pruned(345);
    for (Execution e : new Execution[] {Execution.SPARSE, Execution.DENSE}) {
      final InferenceModel inference = InferenceModel.of(model, e);
      int size = inference.inputSize(), k = inference.classes();
      Random random = new Random(11);
      float[] pool = new float[IMAGES * size];
      for (int i = 0; i < pool.length; i++) {
        pool[i] = (float) random.nextGaussian();
      }
      // the single-threaded answers, per window (a batch's bits may depend on its size, not on the thread)
      List<Window> windows = new ArrayList<>();
      List<float[]> inputs = new ArrayList<>();
      List<float[]> logits = new ArrayList<>();
      List<int[]> classes = new ArrayList<>();
      for (int b : BATCHES) {
        for (int from : new int[] {0, 5, IMAGES - b}) {
          Window w = new Window(from, b);
          float[] x = Arrays.copyOfRange(pool, from * size, (from + b) * size);
          float[] out = new float[b * k];
          inference.logits(x, b, out);
          windows.add(w);
          inputs.add(x);
          logits.add(out);
          classes.add(inference.predictBatch(x, b));
        }
      }
      // warm the sparse path (the one measured) until a pass over every window allocates no buffer: the
      // JIT's escape analysis removes what the interpreter allocates, after however many calls C2 needs
      float[] scratch = new float[150 * k];
      if (e == Execution.SPARSE) {
        long pass = new AllocationMeter().bestRound(() -> {
          for (int w = 0; w < windows.size(); w++) {
            inference.logits(inputs.get(w), windows.get(w).n(), scratch);
          }
        }, 256L * windows.size(), 400, 60);
        assertTrue(pass < 256L * windows.size(), pass + " bytes allocated by a warm pass of " + windows.size()
            + " logits calls on one thread");
      }
      float[][] singles = new float[IMAGES][];
      int[] single = new int[IMAGES];
      for (int i = 0; i < IMAGES; i++) {
        singles[i] = Arrays.copyOfRange(pool, i * size, (i + 1) * size);
        single[i] = inference.predict(singles[i]);
      }
      // the dense path is the slow one on 2 cores: fewer calls there
      int calls = e == Execution.SPARSE ? CALLS : Math.max(1, CALLS / 8);
      long[] perCall = run(inference, windows, inputs, logits, classes, singles, single, calls);
      if (e == Execution.SPARSE) {
        for (int t = 0; t < THREADS; t++) {
          // logits() into a caller's array, warm: measured 0 to 25 bytes a call on one thread and 25 to 75
          // under 64 (a ForkJoin task where a kernel splits), never a buffer: the activations of one image
          // are over 20 KB, the logits of a batch of 64 are 2,560 bytes
          assertTrue(perCall[t] < 256, "thread " + t + ": " + perCall[t] + " bytes allocated per logits call");
        }
      }
    }
  }

  /** Runs the threads; returns the bytes each allocated in its median warm {@code logits} call. */
  private static long[] run(InferenceModel inference, List<Window> windows, List<float[]> inputs,
      List<float[]> logits, List<int[]> classes, float[][] singles, int[] single, int calls) throws Exception {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int k = inference.classes();
    long[] perCall = new long[THREADS];
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        // perCall[thread] is written by its thread only and read after Future.get (happens-before)
        results.add(threads.submit(() -> {
          SplittableRandom r = new SplittableRandom(thread);
          float[] out = new float[150 * k];
          start.await();
          int checked = 0;
          long[] spentPerCall = new long[calls];
          int measured = 0;
          // what reading the counter itself costs, taken off each measurement
          long tid0 = Thread.currentThread().getId(), bracket = Long.MAX_VALUE;
          for (int i = 0; i < 5; i++) {
            long b0 = mx.getThreadAllocatedBytes(tid0);
            bracket = Math.min(bracket, mx.getThreadAllocatedBytes(tid0) - b0);
          }
          for (int c = 0; c < calls; c++) {
            int w = r.nextInt(windows.size());
            Window win = windows.get(w);
            switch (c % 3) {
              case 0 -> {
                long tid = Thread.currentThread().getId();
                long before = mx.getThreadAllocatedBytes(tid);
                inference.logits(inputs.get(w), win.n(), out);
                long spent = mx.getThreadAllocatedBytes(tid) - before - bracket;
                if (c >= 3) { // the first call makes the thread's buffers
                  spentPerCall[measured++] = spent;
                }
                float[] want = logits.get(w);
                for (int i = 0; i < want.length; i++) {
                  if (Float.floatToRawIntBits(out[i]) != Float.floatToRawIntBits(want[i])) {
                    throw new AssertionError("thread " + thread + " window " + win + " logit " + i + ": " + out[i]
                        + " != " + want[i]);
                  }
                }
              }
              case 1 -> {
                int[] got = inference.predictBatch(inputs.get(w), win.n());
                if (!Arrays.equals(got, classes.get(w))) {
                  throw new AssertionError("thread " + thread + " window " + win + ": " + Arrays.toString(got));
                }
              }
              default -> {
                int i = r.nextInt(singles.length);
                if (inference.predict(singles[i]) != single[i]) {
                  throw new AssertionError("thread " + thread + " image " + i);
                }
              }
            }
            checked++;
          }
          // the median call: a deoptimisation and recompilation while 64 threads run costs a few calls
          // their vectors, which is the JIT's doing, not a buffer of ours
          Arrays.sort(spentPerCall, 0, measured);
          perCall[thread] = measured == 0 ? 0 : spentPerCall[measured / 2];
          return checked;
        }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get(300, TimeUnit.SECONDS);
      }
      assertEquals(THREADS * calls, total, "every thread made its calls");
      return perCall;
    } finally {
      threads.shutdownNow();
    }
  }
}
