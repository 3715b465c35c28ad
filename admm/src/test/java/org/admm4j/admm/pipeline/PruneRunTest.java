package org.admm4j.admm.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.admm.TinyNets;
import org.admm4j.admm.config.Distillation;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.RhoSchedule;
import org.admm4j.admm.config.TrainingSchedule;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.io.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneRunTest {

  @TempDir
  Path dir;

  /** The tiny network's run: 2 dense epochs, 3 ADMM iterations (ρ 0.02 ×2), 2 retraining epochs. */
  static PrunePlan tinyPlan(String optimizer) {
    return tinyPlan(optimizer, 0, Distillation.NONE);
  }

  static PrunePlan tinyPlan(String optimizer, int shift, Distillation distillation) {
    float lr = optimizer.equals("adam") ? 0.003f : 0.05f;
    return PrunePlan.builder().model("tiny").dataset("synthetic").batch(32).seed(3)
        .dense(new TrainingSchedule(2, "sgd", 0.03f, 0.9f, 0.0005f, "cosine"))
        .admm(3, new TrainingSchedule(1, optimizer, lr, 0.9f, 0f, "constant")).rho(new RhoSchedule(0.02, 2, 1))
        .retrain(new TrainingSchedule(2, optimizer, lr, 0.9f, 0.0005f, "cosine"))
        .keep("conv1", 0.5).nonzeros("fc*", 60).augmentShift(shift).distillation(distillation).build();
  }

  private static final ForkJoinPool POOL = new ForkJoinPool(2);

  @AfterAll
  static void shutDown() {
    POOL.shutdown();
  }

  /** A new run into {@code out} (or a resume of it), stopped after {@code stopAfter} events (0: never). */
  private static PruneResult run(PrunePlan p, Path out, boolean resume, int stopAfter) throws Exception {
    TrainingData data = TinyNets.data(256, 128);
    PruneRun r = resume ? PruneRun.resume(out, TinyNets::tiny, data, POOL)
        : PruneRun.of(p, TinyNets::tiny, data, POOL).writeTo(out).command("test");
    return r.listener(stopAfter(stopAfter)).run();
  }

  private static PruneListener stopAfter(int n) {
    int[] seen = {0};
    return new PruneListener() {
      @Override
      public Control onEpoch(EpochEvent e) {
        return n > 0 && ++seen[0] >= n ? Control.STOP : Control.CONTINUE;
      }

      @Override
      public Control onAdmmIteration(AdmmIterationEvent e) {
        return n > 0 && ++seen[0] >= n ? Control.STOP : Control.CONTINUE;
      }
    };
  }

  @Test
  void writesPrunedModelAndReport() throws Exception {
    PrunePlan c = tinyPlan("sgd");
    PruneResult r = run(c, dir, false, 0);
    assertTrue(r.finished());
    assertFalse(Files.exists(dir.resolve("report.html")), "report.html is the command line's");
    JsonObject rep = JsonFiles.read(dir.resolve("report.json"));
    for (String f : new String[] {"model", "dataset", "preset", "baseline_accuracy", "final_accuracy", "total_weights",
        "nonzero_weights", "compression", "layers", "admm_iterations", "retrain_epochs", "histograms",
        "phases_seconds", "wall_seconds", "seed", "threads", "jdk", "kernels", "admm4j_version", "config", "command",
        "started_at"}) {
      assertTrue(rep.has(f), "report.json lacks " + f);
    }
    assertEquals(36 + 864 + 240, rep.get("total_weights").getAsLong());
    assertEquals(18 + 60 + 60, rep.get("nonzero_weights").getAsLong());
    assertEquals((36.0 + 864 + 240) / 138, rep.get("compression").getAsDouble(), 1e-9);
    JsonArray iters = rep.getAsJsonArray("admm_iterations");
    assertEquals(3, iters.size());
    JsonObject it = iters.get(2).getAsJsonObject();
    assertEquals(3, it.get("iteration").getAsInt());
    assertEquals(0.08, it.get("rho").getAsDouble(), 1e-12);
    for (String layer : new String[] {"conv1", "fc1", "fc2"}) {
      assertTrue(it.getAsJsonObject("primal_residual").has(layer));
      assertTrue(it.getAsJsonObject("dual_residual").has(layer));
      assertTrue(rep.getAsJsonObject("histograms").getAsJsonObject("before").has(layer));
      JsonObject after = rep.getAsJsonObject("histograms").getAsJsonObject("after").getAsJsonObject(layer);
      assertEquals(after.getAsJsonArray("edges").size(), after.getAsJsonArray("counts").size() + 1);
    }
    long afterCount = 0;
    for (var e : rep.getAsJsonObject("histograms").getAsJsonObject("after").getAsJsonObject("fc1")
        .getAsJsonArray("counts")) {
      afterCount += e.getAsLong();
    }
    assertEquals(60, afterCount);
    JsonObject fc1 = rep.getAsJsonArray("layers").get(1).getAsJsonObject();
    assertEquals("fc1", fc1.get("name").getAsString());
    assertEquals(60, fc1.get("nonzero").getAsInt());
    assertEquals(864, fc1.get("macs_dense").getAsLong());
    JsonObject conv1 = rep.getAsJsonArray("layers").get(0).getAsJsonObject();
    assertEquals(36 * 36, conv1.get("macs_dense").getAsLong(), "conv1: 36 weights × 6·6 outputs");
    assertEquals(18 * 36, conv1.get("macs_pruned").getAsLong());
    for (String p : new String[] {"dense", "admm", "zstep", "retrain"}) {
      assertTrue(rep.getAsJsonObject("phases_seconds").get(p).getAsDouble() > 0, p);
    }
    SafeTensorsFile f = SafeTensors.read(dir.resolve("model.safetensors"));
    assertEquals(60, nonZero(f.tensor("fc1.weight")));
    assertEquals(18, nonZero(f.tensor("conv1.weight")));
    assertTrue(f.tensors().containsKey("fc1.bias"));
    // the compact copy holds the same floats
    var compact = org.admm4j.nn.compact.CompactModelReader.read(dir.resolve("model.a4jc"));
    for (Map.Entry<String, Tensor> e : f.tensors().entrySet()) {
      assertArrayEquals(e.getValue().data(), compact.tensors().get(e.getKey()).data(), e.getKey());
    }
    assertEquals(Files.size(dir.resolve("model.a4jc")), rep.get("compact_model_bytes").getAsLong());
  }

  @Test
  void resumedRunEndsWithTheSameBitsAsAnUninterruptedOne() throws Exception {
    for (String opt : new String[] {"sgd", "adam", "sgd+distill"}) {
      // the third run shifts images and distils from the dense model in both ADMM and retraining
      PrunePlan c = opt.endsWith("+distill")
          ? tinyPlan("sgd", 1, new Distillation(0.6f, 3f, true, true))
          : tinyPlan(opt);
      Path whole = dir.resolve(opt.replace('+', '-') + "-whole");
      run(c, whole, false, 0);
      // killed after the 1st dense epoch, then after ADMM iteration 2, then after retraining epoch 1
      Path parts = dir.resolve(opt.replace('+', '-') + "-parts");
      assertFalse(run(c, parts, false, 1).finished());
      assertFalse(run(c, parts, true, 3).finished());
      assertFalse(Files.exists(parts.resolve("model.safetensors")));
      assertFalse(run(c, parts, true, 2).finished());
      assertTrue(run(c, parts, true, 0).finished());
      SafeTensorsFile a = SafeTensors.read(whole.resolve("model.safetensors"));
      SafeTensorsFile b = SafeTensors.read(parts.resolve("model.safetensors"));
      assertEquals(a.tensors().keySet(), b.tensors().keySet());
      for (Map.Entry<String, Tensor> e : a.tensors().entrySet()) {
        assertArrayEquals(e.getValue().data(), b.tensor(e.getKey()).data(), opt + ": " + e.getKey());
      }
      JsonObject ra = JsonFiles.read(whole.resolve("report.json"));
      JsonObject rb = JsonFiles.read(parts.resolve("report.json"));
      assertEquals(ra.get("final_accuracy"), rb.get("final_accuracy"));
      assertEquals(ra.get("baseline_accuracy"), rb.get("baseline_accuracy"));
      assertEquals(ra.getAsJsonArray("admm_iterations").size(), rb.getAsJsonArray("admm_iterations").size());
      for (int i = 0; i < 3; i++) {
        JsonObject x = ra.getAsJsonArray("admm_iterations").get(i).getAsJsonObject();
        JsonObject y = rb.getAsJsonArray("admm_iterations").get(i).getAsJsonObject();
        assertEquals(x.get("loss"), y.get("loss"));
        assertEquals(x.get("primal_residual"), y.get("primal_residual"));
      }
      assertEquals(ra.getAsJsonObject("histograms"), rb.getAsJsonObject("histograms"));
      RunException done = assertThrows(RunException.class, () -> run(c, parts, true, 0));
      assertTrue(done.getMessage().contains("already finished"));
    }
  }

  /** Distillation and augmentation change the result (so they are really applied) and are recorded. */
  @Test
  void distillationAndAugmentationTakeEffectAndAreRecorded() throws Exception {
    PruneResult plain = run(tinyPlan("sgd"), dir.resolve("plain"), false, 0);
    assertTrue(plain.finished());
    PrunePlan kd = tinyPlan("sgd", 0, new Distillation(0.5f, 4f, false, true));
    run(kd, dir.resolve("kd"), false, 0);
    PrunePlan shift = tinyPlan("sgd", 2, Distillation.NONE);
    run(shift, dir.resolve("shift"), false, 0);
    JsonObject a = JsonFiles.read(dir.resolve("plain/report.json"));
    JsonObject b = JsonFiles.read(dir.resolve("kd/report.json"));
    JsonObject s = JsonFiles.read(dir.resolve("shift/report.json"));
    // distilling only in retraining: dense and ADMM phases identical, retraining not
    assertEquals(a.get("baseline_accuracy"), b.get("baseline_accuracy"));
    for (int i = 0; i < 3; i++) {
      JsonObject x = a.getAsJsonArray("admm_iterations").get(i).getAsJsonObject();
      JsonObject y = b.getAsJsonArray("admm_iterations").get(i).getAsJsonObject();
      assertEquals(x.get("loss"), y.get("loss"));
      assertEquals(x.get("primal_residual"), y.get("primal_residual"));
    }
    assertTrue(!a.getAsJsonArray("retrain_epochs").get(0).getAsJsonObject().get("loss")
        .equals(b.getAsJsonArray("retrain_epochs").get(0).getAsJsonObject().get("loss")));
    assertEquals("0.5", b.getAsJsonObject("config").get("distill.weight").getAsString());
    assertEquals("retrain", b.getAsJsonObject("config").get("distill.phases").getAsString());
    // shifting images changes dense training already
    assertTrue(!a.getAsJsonArray("dense_epochs").get(0).getAsJsonObject().get("loss")
        .equals(s.getAsJsonArray("dense_epochs").get(0).getAsJsonObject().get("loss")));
    assertEquals("2", s.getAsJsonObject("config").get("augment.shift").getAsString());
  }

  /**
   * The library use: no folder, so no files; typed events per epoch and iteration; the same bits as the run
   * with a folder (distilling from the in-memory dense model instead of dense.safetensors); the caller's pool
   * put back and left as it was.
   */
  @Test
  void runsAsALibraryWithTypedEventsAndNoFiles() throws Exception {
    PrunePlan p = tinyPlan("sgd", 1, new Distillation(0.6f, 3f, true, true));
    Path withFolder = dir.resolve("folder");
    run(p, withFolder, false, 0);
    List<PruneListener.EpochEvent> epochs = new ArrayList<>();
    List<PruneListener.AdmmIterationEvent> iterations = new ArrayList<>();
    var before = org.admm4j.kernels.KernelThreads.pool();
    PruneResult r = PruneRun.of(p, TinyNets::tiny, TinyNets.data(256, 128), POOL).listener(new PruneListener() {
      @Override
      public Control onEpoch(EpochEvent e) {
        epochs.add(e);
        return Control.CONTINUE;
      }

      @Override
      public Control onAdmmIteration(AdmmIterationEvent e) {
        iterations.add(e);
        return Control.CONTINUE;
      }
    }).run();
    assertTrue(r.finished());
    assertEquals(null, r.runFolder());
    assertEquals(null, r.reportJson());
    assertEquals(before, org.admm4j.kernels.KernelThreads.pool(), "the previous pool is put back");
    assertFalse(POOL.isShutdown());
    assertEquals(2, POOL.getParallelism());
    assertEquals(List.of(Phase.DENSE, Phase.DENSE, Phase.RETRAIN, Phase.RETRAIN),
        epochs.stream().map(PruneListener.EpochEvent::phase).toList());
    assertEquals(3, iterations.size());
    for (PruneListener.AdmmIterationEvent e : iterations) {
      assertEquals(List.of("conv1", "fc1", "fc2"), new ArrayList<>(e.record().primalResidual().keySet()));
      assertTrue(e.record().primalResidual().get("fc1") > 0);
      assertTrue(e.record().dualResidual().get("fc1") >= 0);
    }
    assertEquals(0.08, iterations.get(2).record().rho(), 1e-12);
    // per-layer kept/total and compression count conv and linear weights only
    assertEquals(List.of("conv1", "fc1", "fc2"), r.layers().stream().map(LayerSummary::name).toList());
    assertEquals(18, r.layers().get(0).nonzero());
    assertEquals(36 + 864 + 240, r.totalWeights());
    assertEquals((36.0 + 864 + 240) / 138, r.compression(), 1e-12);
    assertEquals(r.retrainEpochs().get(1).accuracy(), r.accuracies().finalAccuracy());
    // same bits as the run that wrote files
    SafeTensorsFile f = SafeTensors.read(withFolder.resolve("model.safetensors"));
    for (org.admm4j.nn.Parameter q : r.model().tensors()) {
      assertArrayEquals(f.tensor(q.name()).data(), q.data(), q.name());
    }
    assertEquals(JsonFiles.read(withFolder.resolve("report.json")).get("final_accuracy").getAsDouble(),
        r.accuracies().finalAccuracy());
  }

  /** A listener's STOP ends the run there; without a folder nothing is left to resume. */
  @Test
  void aListenerStopsTheRun() throws Exception {
    int[] iterationsSeen = {0};
    PruneResult r = PruneRun.of(tinyPlan("adam"), TinyNets::tiny, TinyNets.data(256, 128), POOL)
        .listener(new PruneListener() {
          @Override
          public Control onAdmmIteration(AdmmIterationEvent e) {
            iterationsSeen[0]++;
            return e.record().iteration() == 2 ? Control.STOP : Control.CONTINUE;
          }
        }).run();
    assertFalse(r.finished());
    assertEquals(2, iterationsSeen[0]);
  }

  @Test
  void resumeRefusesAnotherPoolSize() throws Exception {
    assertFalse(run(tinyPlan("sgd"), dir, false, 1).finished());
    ForkJoinPool three = new ForkJoinPool(3);
    try {
      RunException e = assertThrows(RunException.class,
          () -> PruneRun.resume(dir, TinyNets::tiny, TinyNets.data(256, 128), three));
      assertTrue(e.getMessage().contains("2 threads"), e.getMessage());
    } finally {
      three.shutdown();
    }
  }

  /** The plan survives state.json: typed out, typed back. */
  @Test
  void planRoundTripsThroughTheCheckpoint() throws Exception {
    PrunePlan p = PrunePlan.builder().preset("x").model("tiny").keep("kind:conv", 0.3).nonzeros("fc*", 60)
        .keep("fc2", 0.25).distillation(new Distillation(0.25f, 2f, true, false)).augmentShift(1).build();
    assertEquals(p, RunStateJson.plan(RunStateJson.config(p, 3)));
    assertEquals(3, RunStateJson.config(p, 3).get("threads").getAsInt());
  }

  private static int nonZero(Tensor t) {
    int n = 0;
    for (float v : t.data()) {
      if (v != 0f) {
        n++;
      }
    }
    return n;
  }
}
