package org.admm4j.admm.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.admm.TinyNets;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.admm.config.LayerRule;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.QuantizationRule;
import org.admm4j.admm.config.Stage;
import org.admm4j.admm.quant.QuantizationMode;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.io.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Joint pruning and quantization in the last stage of a run. */
class QuantizedPruneRunTest {

  @TempDir
  Path dir;

  private static final ForkJoinPool POOL = new ForkJoinPool(2);

  @AfterAll
  static void shutDown() {
    POOL.shutdown();
  }

  /** The tiny two-stage run, stage 2 quantizing conv1 uniformly to 3 bits and the fc layers to a 2-bit codebook. */
  private static PrunePlan plan(String optimizer) {
    PrunePlan base = PruneRunTest.tinyPlan(optimizer);
    return PrunePlan.builder().model("tiny").dataset("synthetic").batch(32).seed(3).dense(base.dense())
        .admm(3, base.admm()).rho(base.rho()).retrain(base.retrain()).layers(base.layers())
        .stage(Stage.of(List.of(LayerRule.keep("conv1", 0.33), LayerRule.nonzeros("fc*", 30))).withAdmmIterations(2))
        .quantize("kind:conv", 3, QuantizationMode.UNIFORM).quantize("fc*", 2, QuantizationMode.CODEBOOK).build();
  }

  private static PruneResult run(PrunePlan p, Path out, boolean resume, int stopAfter) throws Exception {
    TrainingData data = TinyNets.data(256, 128);
    PruneRun r = resume ? PruneRun.resume(out, TinyNets::tiny, data, POOL)
        : PruneRun.of(p, TinyNets::tiny, data, POOL).writeTo(out).command("test");
    return r.listener(PruneRunTest.stopAfter(stopAfter)).run();
  }

  @Test
  void lastStageEndsOnItsLevelsWithinItsSupportAndResumesWithTheSameBits() throws Exception {
    PrunePlan p = plan("sgd");
    Path whole = dir.resolve("whole");
    PruneResult r = run(p, whole, false, 0);
    assertTrue(r.finished());
    SafeTensorsFile a = SafeTensors.read(whole.resolve("model.safetensors"));
    Map<String, Integer> levels = Map.of("conv1.weight", 7, "fc1.weight", 3, "fc2.weight", 3);
    Map<String, Integer> kept = Map.of("conv1.weight", 12, "fc1.weight", 30, "fc2.weight", 30);
    for (Map.Entry<String, Integer> e : levels.entrySet()) {
      float[] w = a.tensor(e.getKey()).data();
      TreeSet<Float> distinct = new TreeSet<>();
      int nz = 0;
      for (float v : w) {
        distinct.add(v);
        nz += v != 0f ? 1 : 0;
      }
      assertTrue(distinct.size() <= e.getValue() && distinct.size() >= 2, e.getKey() + ": " + distinct);
      assertTrue(nz <= kept.get(e.getKey()) && nz > 0, e.getKey() + " keeps " + nz);
    }
    // the uniform layer's values are on one grid s·{-3..3}
    float[] conv = a.tensor("conv1.weight").data();
    float s = 0;
    for (float v : conv) {
      s = Math.max(s, Math.abs(v));
    }
    for (float v : conv) {
      double m = v / (s / 3.0);
      assertTrue(Math.abs(m - Math.rint(m)) < 1e-4 || distinctMultiple(conv, v), "conv1 value " + v + " off the grid");
    }
    com.google.gson.JsonObject q = JsonFiles.read(whole.resolve("report.json")).getAsJsonObject("quantization");
    assertEquals(3, q.getAsJsonObject("fc1").get("bits").getAsInt() + 1);
    assertTrue(q.getAsJsonObject("conv1").getAsJsonArray("levels").size() <= 6);
    assertEquals("uniform", q.getAsJsonObject("conv1").get("quantizer").getAsString());
    // stopped in stage 2's ADMM and in its straight-through retraining, resumed: the same bits
    Path parts = dir.resolve("parts");
    // events: dense 2, stage 1 3 + 2, stage 2 2 + 2
    assertFalse(run(p, parts, false, 8).finished());
    assertEquals(Phase.ADMM, PruneRun.saved(parts).phase());
    assertEquals(p.quantization(), PruneRun.saved(parts).plan().quantization());
    assertFalse(run(p, parts, true, 2).finished());
    assertEquals(Phase.RETRAIN, PruneRun.saved(parts).phase());
    assertTrue(run(p, parts, true, 0).finished());
    SafeTensorsFile b = SafeTensors.read(parts.resolve("model.safetensors"));
    for (Map.Entry<String, Tensor> e : a.tensors().entrySet()) {
      assertArrayEquals(e.getValue().data(), b.tensor(e.getKey()).data(), e.getKey());
    }
  }

  /** The largest magnitude need not be the outermost level (s·3) when the optimum clips: accept multiples of the step. */
  private static boolean distinctMultiple(float[] w, float v) {
    float step = Float.MAX_VALUE;
    for (float x : w) {
      if (x != 0f) {
        step = Math.min(step, Math.abs(x));
      }
    }
    double m = v / step;
    return Math.abs(m - Math.rint(m)) < 1e-4;
  }

  @Test
  void aRuleMatchingNoPrunedLayerIsRefused() {
    PrunePlan p = PruneRunTest.tinyPlan("sgd").withQuantization(List.of(new QuantizationRule("nope*", 3,
        QuantizationMode.CODEBOOK)));
    ConfigException e = assertThrows(ConfigException.class, () -> run(p, dir.resolve("bad"), false, 0));
    assertTrue(e.getMessage().contains("layers.nope*.bits = 3 matches no pruned layer"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new QuantizationRule("fc1", 9, QuantizationMode.UNIFORM));
  }

  @Test
  void anAllocatedProgressiveRunQuantizesItsLastStage() throws Exception {
    PrunePlan base = PruneRunTest.tinyPlan("sgd");
    PrunePlan p = PrunePlan.builder().model("tiny").dataset("synthetic").batch(32).seed(3).dense(base.dense())
        .admm(3, base.admm()).rho(base.rho()).retrain(base.retrain())
        .stage(Stage.compression(8).withAdmmIterations(2))
        .quantize("kind:conv", 3, QuantizationMode.UNIFORM).quantize("fc*", 2, QuantizationMode.CODEBOOK).build();
    Path out = dir.resolve("allocated");
    TrainingData data = TinyNets.data(256, 128);
    PruneResult r = PruneRun.of(p, TinyNets::tiny, data, POOL).writeTo(out).command("test")
        .allocate(new org.admm4j.admm.allocation.AllocationTarget(4,
            org.admm4j.admm.allocation.AllocationMethod.SENSITIVITY, 0.02, 100, true)).run();
    assertTrue(r.finished());
    assertTrue(r.compression() >= 8, "compression " + r.compression());
    SafeTensorsFile a = SafeTensors.read(out.resolve("model.safetensors"));
    for (String name : List.of("conv1.weight", "fc1.weight", "fc2.weight")) {
      TreeSet<Float> distinct = new TreeSet<>();
      for (float v : a.tensor(name).data()) {
        distinct.add(v);
      }
      assertTrue(distinct.size() <= (name.startsWith("conv") ? 7 : 3), name + ": " + distinct);
    }
    assertTrue(JsonFiles.read(out.resolve("report.json")).has("quantization"));
  }
}
