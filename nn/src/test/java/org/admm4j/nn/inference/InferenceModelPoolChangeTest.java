package org.admm4j.nn.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.junit.jupiter.api.Test;

/**
 * Predictions on one thread while another changes the kernel pool's size ({@code KernelThreads.setThreads},
 * as a {@code Trainer} made elsewhere in the JVM does): a sliced chunk reads the pool and then submits to
 * it, so the pool it read may be replaced in between. Every call must still answer, with the same bits.
 */
class InferenceModelPoolChangeTest {

  private static final int IMAGES = 64;

  @Test
  void predictionsGoOnWhileAnotherThreadResizesThePool() throws Exception {
    int before = KernelThreads.threads();
    KernelThreads.setThreads(2);
    try {
      InferenceModel inference = InferenceModel.of(Models.create("lenet5", 7), Execution.DENSE);
      float[] x = new float[IMAGES * inference.inputSize()];
      Random random = new Random(1);
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      float[] expected = new float[IMAGES * inference.classes()];
      inference.logits(x, IMAGES, expected);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger calls = new AtomicInteger();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread caller = new Thread(() -> {
        float[] got = new float[expected.length];
        try {
          while (!stop.get()) {
            inference.logits(x, IMAGES, got);
            assertArrayEquals(expected, got, "call " + calls.get());
            calls.incrementAndGet();
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      caller.start();
      // replacements for about two seconds and at least 10 calls
      long end = System.nanoTime() + 2_000_000_000L;
      for (int i = 0; failure.get() == null && (System.nanoTime() < end || calls.get() < 10); i++) {
        KernelThreads.setThreads(2 + i % 2);
        Thread.sleep(1);
      }
      stop.set(true);
      caller.join(30_000);
      if (failure.get() != null) {
        throw new AssertionError("a prediction failed while the pool changed", failure.get());
      }
      assertTrue(calls.get() >= 10, calls.get() + " calls");
    } finally {
      KernelThreads.setThreads(before);
    }
  }
}
