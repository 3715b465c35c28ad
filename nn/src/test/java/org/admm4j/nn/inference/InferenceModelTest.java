package org.admm4j.nn.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.admm4j.kernels.KernelThreads;
import org.admm4j.nn.AllocationMeter;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.compact.CompactModelWriter;
import org.admm4j.nn.compact.CompactModels;
import org.admm4j.nn.io.ModelTensors;
import org.admm4j.nn.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceModelTest {

  @TempDir
  Path dir;

  private final Random random = new Random(345);

  /** A model whose weight tensors keep each weight with probability keep (biases stay dense). */
  private Model pruned(String name, double keep) {
    Model m = Models.create(name, 7);
    for (Parameter p : m.parameters()) {
      if (p.isWeight()) {
        float[] w = p.data();
        for (int i = 0; i < w.length; i++) {
          if (random.nextDouble() >= keep) {
            w[i] = 0f;
          }
        }
      }
    }
    m.setTraining(false);
    return m;
  }

  private float[] images(int count, int size) {
    float[] x = new float[count * size];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  @Test
  void everyExecutionMatchesTheTrainingStacksForwardPass() {
    for (String name : new String[] {"lenet5", "lenet-300-100", "convnet"}) {
      Model model = pruned(name, 0.05);
      int count = name.equals("convnet") ? 4 : 70; // 70 crosses a chunk boundary
      float[] x = images(count, model.inputSize());
      float[] expected = model.predictLogits(x, count);
      for (Execution e : Execution.values()) {
        InferenceModel inference = InferenceModel.of(model, e);
        float[] logits = new float[count * model.classes()];
        java.util.Arrays.fill(logits, Float.NaN);
        inference.logits(x, count, logits);
        for (int i = 0; i < logits.length; i++) {
          assertEquals(expected[i], logits[i], 1e-3 * (1 + Math.abs(expected[i])), name + " " + e + " logit " + i);
        }
        int[] batch = inference.predictBatch(x, count);
        for (int i = 0; i < count; i++) {
          float[] one = java.util.Arrays.copyOfRange(x, i * model.inputSize(), (i + 1) * model.inputSize());
          assertEquals(batch[i], inference.predict(one), name + " " + e + " image " + i);
          assertEquals(Model.argmax(logits, i * model.classes(), model.classes()), batch[i]);
        }
      }
    }
  }

  @Test
  void sparseExecutionRunsEveryWeightLayerSparse() {
    InferenceModel m = InferenceModel.of(pruned("convnet", 0.05), Execution.SPARSE);
    long sparse = m.plan().stream().filter(s -> s.contains("sparse")).count();
    assertEquals(6, sparse, String.join("\n", m.plan())); // 4 convolutions (padding 1) and 2 linear layers
    InferenceModel dense = InferenceModel.of(pruned("lenet5", 0.05), Execution.DENSE);
    assertTrue(dense.plan().stream().noneMatch(s -> s.contains("sparse")), String.join("\n", dense.plan()));
    InferenceModel auto = InferenceModel.of(pruned("lenet5", 1.0), Execution.AUTO);
    assertTrue(auto.plan().stream().noneMatch(s -> s.contains("sparse")), "dense weights stay dense");
  }

  @Test
  void sixteenThreadsGetTheSingleThreadedAnswers() throws Exception {
    Model model = pruned("lenet5", 0.03);
    for (Execution e : new Execution[] {Execution.SPARSE, Execution.DENSE}) {
      InferenceModel inference = InferenceModel.of(model, e);
      // the dense path is the slow one on 2 cores: fewer images there
      int count = e == Execution.SPARSE ? 150 : 45, rounds = e == Execution.SPARSE ? 3 : 1;
      int size = model.inputSize();
      float[] x = images(count, size);
      int[] expected = inference.predictBatch(x, count);
      float[][] singles = new float[count][];
      for (int i = 0; i < count; i++) {
        singles[i] = java.util.Arrays.copyOfRange(x, i * size, (i + 1) * size);
      }
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          int thread = t;
          results.add(pool.submit(() -> {
            start.await();
            int checked = 0;
            for (int round = 0; round < rounds; round++) {
              for (int i = thread; i < count; i += 3) {
                int got = inference.predict(singles[i]);
                if (got != expected[i]) {
                  throw new AssertionError("thread " + thread + " image " + i + ": " + got + " != " + expected[i]);
                }
                checked++;
              }
              // batches of several sizes, starting at different images
              int from = (thread * 7) % 40, n = 1 + (thread * 13 + round * 31) % Math.min(count - from, 70);
              int[] got = inference.predictBatch(java.util.Arrays.copyOfRange(x, from * size, (from + n) * size), n);
              for (int i = 0; i < n; i++) {
                if (got[i] != expected[from + i]) {
                  throw new AssertionError("thread " + thread + " batch from " + from + " image " + i);
                }
              }
              checked += n;
            }
            return checked;
          }));
        }
        start.countDown();
        int total = 0;
        for (Future<Integer> f : results) {
          total += f.get(120, TimeUnit.SECONDS);
        }
        assertTrue(total >= 16 * rounds * (count / 3), "every thread checked its answers");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aDroppedModelIsFreedThoughThreadsRanIt() {
    // a thread's scratch that refers back to its model keeps the model and its buffers alive for as long as the
    // thread lives: a service that reloads models, or a sensitivity pass that builds one per evaluation, runs
    // out of memory (found when a progressive allocation died of OutOfMemoryError after ~150 models)
    int before = KernelThreads.threads();
    try {
      KernelThreads.setThreads(2);
      Model model = pruned("lenet5", 0.05);
      List<java.lang.ref.WeakReference<InferenceModel>> dropped = new ArrayList<>();
      for (Execution e : new Execution[] {Execution.SPARSE, Execution.DENSE}) {
        InferenceModel inference = InferenceModel.of(model, e);
        // 1 image inline, 64 sliced over the pool
        inference.predictBatch(images(1, inference.inputSize()), 1);
        inference.predictBatch(images(64, inference.inputSize()), 64);
        dropped.add(new java.lang.ref.WeakReference<>(inference));
      }
      for (int round = 0; round < 20 && dropped.stream().anyMatch(r -> r.get() != null); round++) {
        System.gc();
      }
      for (java.lang.ref.WeakReference<InferenceModel> r : dropped) {
        assertEquals(null, r.get(), "a model no caller holds is still reachable from a thread that ran it");
      }
    } finally {
      KernelThreads.setThreads(before);
    }
  }

  @Test
  void theLogitsBitsDoNotDependOnTheNumberOfThreads() {
    int before = KernelThreads.threads();
    try {
      for (String name : new String[] {"lenet5", "convnet"}) {
        Model model = pruned(name, name.equals("lenet5") ? 0.05 : 0.3);
        for (Execution e : new Execution[] {Execution.SPARSE, Execution.DENSE}) {
          InferenceModel inference = InferenceModel.of(model, e);
          int k = inference.classes();
          // 1 (inline), 17 and 64 (sliced where the work is large), 150 (three chunks, the last ragged)
          for (int n : name.equals("lenet5") ? new int[] {1, 17, 64, 150} : new int[] {1, 64}) {
            float[] x = images(n, inference.inputSize());
            float[][] got = new float[3][n * k];
            for (int threads = 1; threads <= 3; threads++) {
              KernelThreads.setThreads(threads);
              java.util.Arrays.fill(got[threads - 1], Float.NaN);
              inference.logits(x, n, got[threads - 1]);
            }
            for (int t = 1; t < 3; t++) {
              for (int i = 0; i < n * k; i++) {
                assertEquals(Float.floatToRawIntBits(got[0][i]), Float.floatToRawIntBits(got[t][i]),
                    name + " " + e + " batch " + n + " threads " + (t + 1) + " logit " + i);
              }
            }
          }
        }
      }
    } finally {
      KernelThreads.setThreads(before);
    }
  }

  @Test
  void sparsePredictAllocatesNothingOnceWarm() {
    Model model = pruned("lenet5", 0.03);
    InferenceModel inference = InferenceModel.of(model, Execution.SPARSE);
    float[] image = images(1, model.inputSize());
    float[] batch = images(64, model.inputSize());
    float[] logits = new float[64 * model.classes()];
    // a few bytes of measurement noise at most; one float[] per call would be >= 40 x 16 bytes
    long allocated = new AllocationMeter().bestRound(() -> {
      for (int i = 0; i < 20; i++) {
        inference.predict(image);
        inference.logits(batch, 64, logits);
      }
    }, 600, 500, 60);
    assertTrue(allocated < 600, allocated + " bytes allocated by 40 calls");
  }

  @Test
  void loadsSafetensorsAndCompactFilesAlike() throws IOException {
    Model model = pruned("lenet5", 0.025);
    Path safetensors = dir.resolve("model.safetensors");
    Path compact = dir.resolve("model.a4jc");
    SafeTensors.saveModel(model, safetensors, Map.of());
    CompactModels.saveModel(model, compact, Map.of());
    float[] x = images(20, model.inputSize());
    int[] expected = InferenceModel.of(model, Execution.AUTO).predictBatch(x, 20);
    assertArrayEquals(expected, InferenceModel.load(safetensors).predictBatch(x, 20));
    assertArrayEquals(expected, InferenceModel.load(compact).predictBatch(x, 20));
    assertEquals("lenet5", InferenceModel.load(compact).modelName());
  }

  @Test
  void refusesUnknownModelsAndShortInputs() throws IOException {
    Model model = pruned("lenet5", 0.5);
    Path file = dir.resolve("odd.a4jc");
    // a file without a spec that names no zoo model carries no architecture
    CompactModelWriter.write(file, ModelTensors.of(model), Map.of("model", "resnet"));
    IOException e = assertThrows(IOException.class, () -> InferenceModel.load(file));
    assertTrue(e.getMessage().contains("'resnet'") && e.getMessage().contains("admm4j.spec"), e.getMessage());
    // a spec that does not fit the tensors is refused naming them
    Path wrong = dir.resolve("wrong.a4jc");
    CompactModelWriter.write(wrong, ModelTensors.of(model),
        Map.of("admm4j.spec", Models.spec("lenet-300-100").toJson()));
    IOException fit = assertThrows(IOException.class, () -> InferenceModel.load(wrong));
    assertTrue(fit.getMessage().contains("missing fc3.weight"), fit.getMessage());
    InferenceModel m = InferenceModel.of(model, Execution.AUTO);
    assertThrows(IllegalArgumentException.class, () -> m.predict(new float[783]));
    assertThrows(IllegalArgumentException.class, () -> m.predictBatch(new float[784 * 2], 3));
    assertEquals(0, m.predictBatch(new float[0], 0).length);
  }
}
