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
import org.admm4j.admm.config.LayerRule;
import org.admm4j.admm.config.Stage;
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

  /**
   * The tiny run in three stages: stage 1 as {@link #tinyPlan} (18 + 60 + 60 non-zeros), stage 2 by rules
   * (12 + 30 + 30, 2 ADMM iterations at its own ρ, 1 retraining epoch), stage 3 by compression (25×: stage 1's
   * counts scaled by one factor to 5 + 19 + 19 ≤ 45.6 non-zeros, with the plan's 3 iterations and 2 epochs).
   */
  static PrunePlan stagedPlan(String optimizer) {
    PrunePlan base = tinyPlan(optimizer);
    return PrunePlan.builder().model("tiny").dataset("synthetic").batch(32).seed(3).dense(base.dense())
        .admm(3, base.admm()).rho(base.rho()).retrain(base.retrain()).layers(base.layers())
        .stage(Stage.of(List.of(LayerRule.keep("conv1", 0.33), LayerRule.nonzeros("fc*", 30)))
            .withAdmmIterations(2).withRho(new RhoSchedule(0.05, 2, 1))
            .withRetrain(new TrainingSchedule(1, base.retrain().optimizer(), base.retrain().lr(), 0.9f, 0.0005f,
                "constant")))
        .stage(Stage.compression(25)).build();
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

  /** A listener that stops the run after {@code n} epochs or iterations (0: never), as a kill would. */
  static PruneListener stopAfter(int n) {
    return n > 0 ? PruneListener.stopAfter(n) : PruneListener.NONE;
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
    // the compact copy holds the same floats, but zeros for the units no later weight reads, and predicts the same
    var compact = org.admm4j.nn.compact.CompactModelReader.read(dir.resolve("model.a4jc"));
    var dense = org.admm4j.nn.files.ModelFiles.read(dir.resolve("model.safetensors")).model();
    var expected = org.admm4j.nn.surgery.UnreadUnits.zero(dense.spec(), f.tensors()).tensors();
    for (Map.Entry<String, Tensor> e : expected.entrySet()) {
      assertArrayEquals(e.getValue().data(), compact.tensors().get(e.getKey()).data(), e.getKey());
    }
    var fromCompact = org.admm4j.nn.files.ModelFiles.read(dir.resolve("model.a4jc")).model();
    float[] x = new float[4 * dense.inputSize()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.cos(0.7 * i);
    }
    assertArrayEquals(dense.predictLogits(x, 4), fromCompact.predictLogits(x, 4));
    assertEquals(Files.size(dir.resolve("model.a4jc")), rep.get("compact_model_bytes").getAsLong());
    assertFalse(rep.has("stages"), "a plan without stages reports none");
    assertFalse(rep.getAsJsonObject("config").keySet().stream().anyMatch(k -> k.startsWith("stages")));
  }

  /**
   * Progressive pruning: every stage's support is a subset of the previous one with exactly the stage's
   * counts; ρ restarts per stage; report.json lists the stages.
   */
  @Test
  void stagedRunShrinksTheSupportStageByStageAndReportsEveryStage() throws Exception {
    PrunePlan p = stagedPlan("sgd");
    List<float[][]> afterRetrain = new ArrayList<>();
    List<Double> rhos = new ArrayList<>();
    List<Integer> stagesOfIterations = new ArrayList<>();
    int[] retrainEpochsPerStage = {2, 1, 2};
    int[] seen = {0};
    PruneResult[] holder = new PruneResult[1];
    org.admm4j.nn.Model[] model = new org.admm4j.nn.Model[1];
    PruneRun run = PruneRun.of(p, (name, seed) -> model[0] = TinyNets.tiny(name, seed), TinyNets.data(256, 128), POOL)
        .writeTo(dir).listener(new PruneListener() {
          @Override
          public Control onEpoch(EpochEvent e) {
            if (e.phase() == Phase.RETRAIN) {
              seen[0]++;
              int stageEnd = 0;
              for (int i = 0; i <= afterRetrain.size() && i < 3; i++) {
                stageEnd += retrainEpochsPerStage[i];
              }
              if (seen[0] == stageEnd) {
                afterRetrain.add(weights(model[0]));
              }
            }
            return Control.CONTINUE;
          }

          @Override
          public Control onAdmmIteration(AdmmIterationEvent e) {
            rhos.add(e.record().rho());
            stagesOfIterations.add(e.stage());
            return Control.CONTINUE;
          }
        });
    holder[0] = run.run();
    PruneResult r = holder[0];
    assertTrue(r.finished());
    assertEquals(3, afterRetrain.size());
    // ρ restarts: stage 1 0.02 ×2, stage 2 its own 0.05 ×2, stage 3 the plan's again
    assertEquals(List.of(0.02, 0.04, 0.08, 0.05, 0.1, 0.02, 0.04, 0.08), rhos);
    assertEquals(List.of(1, 1, 1, 2, 2, 3, 3, 3), stagesOfIterations);
    int[][] expected = {{18, 60, 60}, {12, 30, 30}, {5, 19, 19}};
    for (int s = 0; s < 3; s++) {
      for (int layer = 0; layer < 3; layer++) {
        float[] w = afterRetrain.get(s)[layer];
        int nz = 0;
        for (int i = 0; i < w.length; i++) {
          if (w[i] != 0f) {
            nz++;
            if (s > 0) {
              assertTrue(afterRetrain.get(s - 1)[layer][i] != 0f,
                  "stage " + (s + 1) + " layer " + layer + " weight " + i + " is outside stage " + s + "'s support");
            }
          }
        }
        assertEquals(expected[s][layer], nz, "stage " + (s + 1) + " layer " + layer);
      }
    }
    JsonObject rep = JsonFiles.read(dir.resolve("report.json"));
    JsonArray stages = rep.getAsJsonArray("stages");
    assertEquals(3, stages.size());
    String[] targets = {"plan", "conv1 keep 0.33, fc* nonzeros 30", "25x"};
    double previous = 1;
    for (int s = 0; s < 3; s++) {
      JsonObject st = stages.get(s).getAsJsonObject();
      assertEquals(s + 1, st.get("stage").getAsInt());
      assertEquals(targets[s], st.get("targets").getAsString());
      long nz = expected[s][0] + expected[s][1] + expected[s][2];
      assertEquals(nz, st.get("nonzero_weights").getAsLong());
      assertEquals(1140.0 / nz, st.get("compression").getAsDouble(), 1e-9);
      assertTrue(st.get("compression").getAsDouble() > previous);
      previous = st.get("compression").getAsDouble();
      assertEquals(expected[s][1], st.getAsJsonObject("kept").get("fc1").getAsInt());
      assertEquals(s == 1 ? 1 : 2, st.get("retrain_epochs").getAsInt());
      assertEquals(s == 1 ? 2 : 3, st.get("admm_iterations").getAsInt());
      double hp = st.get("hard_pruned_accuracy").getAsDouble();
      double rt = st.get("retrained_accuracy").getAsDouble();
      assertTrue(hp >= 0 && hp <= 100 && rt >= 0 && rt <= 100, hp + " " + rt);
      assertTrue(st.get("seconds").getAsDouble() > 0);
    }
    assertEquals(stages.get(2).getAsJsonObject().get("retrained_accuracy"), rep.get("final_accuracy"));
    assertEquals(stages.get(2).getAsJsonObject().get("hard_pruned_accuracy"), rep.get("hard_pruned_accuracy"));
    assertEquals(1140.0 / 43, rep.get("compression").getAsDouble(), 1e-9);
    assertEquals(8, rep.getAsJsonArray("admm_iterations").size());
    assertEquals(5, rep.getAsJsonArray("retrain_epochs").size());
    assertEquals(3, r.stages().size());
    assertEquals("25", rep.getAsJsonObject("config").get("stages.3.compression").getAsString().replace(".0", ""));
  }

  /** A staged run stopped in stage 2's ADMM, at the stage boundary and in stage 3's retraining. */
  @Test
  void resumedStagedRunEndsWithTheSameBitsAsAnUninterruptedOne() throws Exception {
    for (String opt : new String[] {"sgd", "adam"}) {
      PrunePlan c = stagedPlan(opt);
      Path whole = dir.resolve(opt + "-whole");
      run(c, whole, false, 0);
      Path parts = dir.resolve(opt + "-parts");
      // events: dense 2, stage 1 3 + 2, stage 2 2 + 1, stage 3 3 + 2
      assertFalse(run(c, parts, false, 8).finished(), "in stage 2's ADMM");
      assertEquals(1, PruneRun.saved(parts).stage());
      assertEquals(Phase.ADMM, PruneRun.saved(parts).phase());
      assertFalse(run(c, parts, true, 2).finished(), "at the end of stage 2");
      assertEquals(Phase.RETRAIN, PruneRun.saved(parts).phase());
      assertFalse(run(c, parts, true, 4).finished(), "in stage 3's retraining");
      assertEquals(2, PruneRun.saved(parts).stage());
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
      JsonArray sa = ra.getAsJsonArray("stages");
      JsonArray sb = rb.getAsJsonArray("stages");
      assertEquals(3, sb.size());
      for (int i = 0; i < 3; i++) {
        JsonObject x = sa.get(i).getAsJsonObject();
        JsonObject y = sb.get(i).getAsJsonObject();
        x.remove("seconds");
        y.remove("seconds");
        assertEquals(x, y, opt + " stage " + (i + 1));
      }
      for (int i = 0; i < 8; i++) {
        assertEquals(ra.getAsJsonArray("admm_iterations").get(i).getAsJsonObject().get("loss"),
            rb.getAsJsonArray("admm_iterations").get(i).getAsJsonObject().get("loss"), opt + " iteration " + i);
      }
    }
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

  /** A checkpoint whose optimizer state does not fit the optimizer: an IOException naming its tensor file. */
  @Test
  void resumeNamesATensorFileWhoseOptimizerStateDoesNotFit() throws Exception {
    assertFalse(run(tinyPlan("sgd"), dir, false, 1).finished());
    Checkpoint c = new Checkpoint(dir.resolve("checkpoint"));
    c.readState();
    Path file = c.dir().resolve(c.lastTensorFile());
    SafeTensorsFile saved = SafeTensors.read(file);
    java.util.LinkedHashMap<String, Tensor> tensors = new java.util.LinkedHashMap<>(saved.tensors());
    tensors.remove("opt/fc1.weight.momentum_buffer");
    SafeTensors.write(file, tensors, saved.metadata());
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> run(tinyPlan("sgd"), dir, true, 0));
    assertTrue(e.getMessage().startsWith(file.toString())
        && e.getMessage().contains("missing fc1.weight.momentum_buffer"), e.getMessage());
  }

  /** The plan survives state.json: typed out, typed back. */
  @Test
  void planRoundTripsThroughTheCheckpoint() throws Exception {
    PrunePlan p = PrunePlan.builder().preset("x").model("tiny").keep("kind:conv", 0.3).nonzeros("fc*", 60)
        .keep("fc2", 0.25).distillation(new Distillation(0.25f, 2f, true, false)).augmentShift(1).build();
    assertEquals(p, RunStateJson.plan(RunStateJson.config(p, 3)));
    assertEquals(3, RunStateJson.config(p, 3).get("threads").getAsInt());
    PrunePlan staged = stagedPlan("adam");
    assertEquals(staged, RunStateJson.plan(RunStateJson.config(staged, 2)));
    assertEquals(2, staged.stages().get(0).admmIterations());
    assertEquals(3, staged.stages().get(1).admmIterations(), "the plan's, filled in");
  }

  /** Copies of the model's conv and linear weights, in model order. */
  private static float[][] weights(org.admm4j.nn.Model m) {
    List<float[]> w = new ArrayList<>();
    for (org.admm4j.nn.Parameter q : m.parameters()) {
      if (LayerSummary.isPrunable(q)) {
        w.add(q.data().clone());
      }
    }
    return w.toArray(new float[0][]);
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
