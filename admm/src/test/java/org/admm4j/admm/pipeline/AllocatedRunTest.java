package org.admm4j.admm.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.admm.TinyNets;
import org.admm4j.admm.allocation.AllocationMethod;
import org.admm4j.admm.allocation.AllocationTarget;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.Stage;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.io.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose layer targets are allocated for a global compression after its dense phase. */
class AllocatedRunTest {

  @TempDir
  Path dir;

  private static final ForkJoinPool POOL = new ForkJoinPool(2);

  @AfterAll
  static void shutDown() {
    POOL.shutdown();
  }

  private static PrunePlan plan() {
    PrunePlan p = PruneRunTest.tinyPlan("sgd");
    return p.withLayers(List.of());
  }

  private static PruneResult run(Path out, boolean resume, int stopAfter, AllocationTarget target) throws Exception {
    TrainingData data = TinyNets.data(256, 128);
    PruneRun r = resume ? PruneRun.resume(out, TinyNets::tiny, data, POOL)
        : PruneRun.of(plan(), TinyNets::tiny, data, POOL).writeTo(out).command("test").allocate(target);
    return r.listener(PruneRunTest.stopAfter(stopAfter)).run();
  }

  @Test
  void reachesTheCompressionAndReportsTheAllocation() throws Exception {
    for (AllocationMethod method : AllocationMethod.values()) {
      Path out = dir.resolve(method.setting());
      PruneResult r = run(out, false, 0, new AllocationTarget(8, method, 0.02, 100));
      assertTrue(r.finished());
      JsonObject rep = JsonFiles.read(out.resolve("report.json"));
      assertTrue(rep.get("compression").getAsDouble() >= 8, method + ": " + rep.get("compression"));
      JsonObject a = rep.getAsJsonObject("allocation");
      assertEquals(method.setting(), a.get("method").getAsString());
      JsonArray layers = a.getAsJsonArray("layers");
      assertEquals(3, layers.size());
      long kept = 0;
      for (var e : layers) {
        JsonObject l = e.getAsJsonObject();
        kept += l.get("kept").getAsLong();
        assertEquals(method == AllocationMethod.SENSITIVITY, l.has("sensitivity"), l.toString());
      }
      assertEquals(rep.get("nonzero_weights").getAsLong(), kept, "the run keeps what was allocated");
      assertEquals(method == AllocationMethod.SENSITIVITY, a.has("price"));
    }
  }

  @Test
  void aRunStoppedBeforeOrAfterTheAllocationResumesToTheSameBits() throws Exception {
    AllocationTarget t = new AllocationTarget(8, AllocationMethod.SENSITIVITY, 0.02, 100);
    Path whole = dir.resolve("whole");
    run(whole, false, 0, t);
    Path parts = dir.resolve("parts");
    // stopped after dense epoch 1 (before the allocation), then after ADMM iteration 2 (after it)
    assertFalse(run(parts, false, 1, t).finished());
    assertFalse(run(parts, true, 3, null).finished());
    assertEquals(Phase.ADMM, PruneRun.saved(parts).phase());
    assertTrue(run(parts, true, 0, null).finished());
    SafeTensorsFile a = SafeTensors.read(whole.resolve("model.safetensors"));
    SafeTensorsFile b = SafeTensors.read(parts.resolve("model.safetensors"));
    for (Map.Entry<String, Tensor> e : a.tensors().entrySet()) {
      assertArrayEquals(e.getValue().data(), b.tensor(e.getKey()).data(), e.getKey());
    }
    assertEquals(JsonFiles.read(whole.resolve("report.json")).get("allocation"),
        JsonFiles.read(parts.resolve("report.json")).get("allocation"));
  }

  @Test
  void aProgressiveRunAllocatesEveryStageAndResumesToTheSameBits() throws Exception {
    AllocationTarget t = new AllocationTarget(4, AllocationMethod.SENSITIVITY, 0.02, 100);
    PrunePlan staged = plan().withStages(List.of(Stage.compression(8).withAdmmIterations(2)));
    TrainingData data = TinyNets.data(256, 128);
    Path whole = dir.resolve("staged-whole");
    PruneResult r = PruneRun.of(staged, TinyNets::tiny, data, POOL).writeTo(whole).command("test").allocate(t).run();
    assertTrue(r.finished());
    JsonObject rep = JsonFiles.read(whole.resolve("report.json"));
    assertTrue(rep.get("compression").getAsDouble() >= 8, rep.get("compression").toString());
    JsonObject a = rep.getAsJsonObject("allocation");
    JsonArray stages = a.getAsJsonArray("stages");
    assertEquals(1, stages.size());
    JsonObject second = stages.get(0).getAsJsonObject();
    assertEquals(8.0, second.get("compression").getAsDouble());
    long kept = 0;
    for (int i = 0; i < 3; i++) {
      JsonObject l = second.getAsJsonArray("layers").get(i).getAsJsonObject();
      kept += l.get("kept").getAsLong();
      assertTrue(l.get("kept").getAsLong()
          <= a.getAsJsonArray("layers").get(i).getAsJsonObject().get("kept").getAsLong(), l.toString());
      assertFalse(l.has("sensitivity"), "the evidence is stage 1's, written once");
    }
    assertEquals(rep.get("nonzero_weights").getAsLong(), kept, "the last stage keeps what was allocated for it");
    // stopped in stage 1's ADMM (after the allocation), then every 6 epochs or iterations
    Path parts = dir.resolve("staged-parts");
    PruneRun first = PruneRun.of(staged, TinyNets::tiny, data, POOL).writeTo(parts).command("test").allocate(t);
    assertFalse(first.listener(PruneRunTest.stopAfter(4)).run().finished());
    int stopped = 0;
    while (!PruneRun.resume(parts, TinyNets::tiny, data, POOL).listener(PruneRunTest.stopAfter(6)).run().finished()) {
      assertTrue(++stopped < 10, "the run ends");
    }
    SafeTensorsFile x = SafeTensors.read(whole.resolve("model.safetensors"));
    SafeTensorsFile y = SafeTensors.read(parts.resolve("model.safetensors"));
    for (Map.Entry<String, Tensor> e : x.tensors().entrySet()) {
      assertArrayEquals(e.getValue().data(), y.tensor(e.getKey()).data(), e.getKey());
    }
    assertEquals(a, JsonFiles.read(parts.resolve("report.json")).get("allocation"));
  }

  @Test
  void aRemeasuredProgressiveRunAllocatesEachStageOnItsStartingModelAndResumesToTheSameBits() throws Exception {
    AllocationTarget t = new AllocationTarget(3, AllocationMethod.SENSITIVITY, 0.02, 100, true);
    PrunePlan staged = plan().withStages(List.of(Stage.compression(6).withAdmmIterations(2),
        Stage.compression(10).withAdmmIterations(2)));
    TrainingData data = TinyNets.data(256, 128);
    Path whole = dir.resolve("remeasured-whole");
    assertTrue(PruneRun.of(staged, TinyNets::tiny, data, POOL).writeTo(whole).command("test").allocate(t).run()
        .finished());
    JsonObject rep = JsonFiles.read(whole.resolve("report.json"));
    assertTrue(rep.get("compression").getAsDouble() >= 10, rep.get("compression").toString());
    JsonObject a = rep.getAsJsonObject("allocation");
    assertTrue(a.get("remeasure").getAsBoolean());
    JsonArray stages = a.getAsJsonArray("stages");
    assertEquals(2, stages.size());
    JsonArray before = a.getAsJsonArray("layers");
    JsonArray records = rep.getAsJsonArray("stages");
    for (int s = 0; s < 2; s++) {
      JsonObject st = stages.get(s).getAsJsonObject();
      // measured on the model the stage starts from: the held-back accuracy is that model's, not the dense one's
      assertTrue(st.has("held_back_accuracy"), st.toString());
      for (int i = 0; i < 3; i++) {
        JsonObject l = st.getAsJsonArray("layers").get(i).getAsJsonObject();
        long prev = before.get(i).getAsJsonObject().get("kept").getAsLong();
        assertTrue(l.get("kept").getAsLong() <= prev, "stage " + (s + 2) + " within the stage before: " + l);
        assertTrue(l.has("sensitivity"), "its own evidence: " + l);
        assertEquals((double) prev / l.get("weights").getAsLong(),
            l.getAsJsonArray("sensitivity").get(0).getAsJsonObject().get("keep").getAsDouble(), 1e-12);
      }
      long kept = 0;
      for (var e : records.get(s + 1).getAsJsonObject().getAsJsonObject("kept").entrySet()) {
        kept += e.getValue().getAsLong();
      }
      long allocated = 0;
      for (var e : st.getAsJsonArray("layers")) {
        allocated += e.getAsJsonObject().get("kept").getAsLong();
      }
      assertEquals(allocated, kept, "stage " + (s + 2) + " keeps what was allocated for it");
      before = st.getAsJsonArray("layers");
    }
    // stopped every 3 epochs or iterations, so also between stage 1's last retraining epoch and stage 2
    Path parts = dir.resolve("remeasured-parts");
    PruneRun first = PruneRun.of(staged, TinyNets::tiny, data, POOL).writeTo(parts).command("test").allocate(t);
    assertFalse(first.listener(PruneRunTest.stopAfter(3)).run().finished());
    int stopped = 0;
    while (!PruneRun.resume(parts, TinyNets::tiny, data, POOL).listener(PruneRunTest.stopAfter(3)).run().finished()) {
      assertTrue(++stopped < 30, "the run ends");
    }
    SafeTensorsFile x = SafeTensors.read(whole.resolve("model.safetensors"));
    SafeTensorsFile y = SafeTensors.read(parts.resolve("model.safetensors"));
    for (Map.Entry<String, Tensor> e : x.tensors().entrySet()) {
      assertArrayEquals(e.getValue().data(), y.tensor(e.getKey()).data(), e.getKey());
    }
    assertEquals(a, JsonFiles.read(parts.resolve("report.json")).get("allocation"));
  }
}
