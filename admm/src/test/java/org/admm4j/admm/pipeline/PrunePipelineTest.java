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
import java.util.Map;
import org.admm4j.admm.TinyNets;
import org.admm4j.admm.config.ConfigResolver;
import org.admm4j.admm.config.ConfigSettings;
import org.admm4j.admm.config.PruningConfig;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.io.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrunePipelineTest {

  @TempDir
  Path dir;

  static PruningConfig tinyConfig(String optimizer, String... extra) throws Exception {
    ConfigSettings s = new ConfigSettings();
    s.put("augment.shift", "0", "test");
    for (int i = 0; i < extra.length; i += 2) {
      s.put(extra[i], extra[i + 1], "test");
    }
    String[] kv = {"model", "tiny", "dataset", "synthetic", "batch", "32", "threads", "2", "seed", "3",
        "dense.epochs", "2", "admm.iterations", "3", "admm.epochs", "1", "retrain.epochs", "2",
        "rho.initial", "0.02", "rho.growth", "2", "rho.max", "1",
        "admm.optimizer", optimizer, "admm.lr", optimizer.equals("adam") ? "0.003" : "0.05",
        "retrain.optimizer", optimizer, "retrain.lr", optimizer.equals("adam") ? "0.003" : "0.05",
        "layers.conv1.keep", "0.5", "layers.fc*.nonzeros", "60"};
    for (int i = 0; i < kv.length; i += 2) {
      s.put(kv[i], kv[i + 1], "test");
    }
    return ConfigResolver.resolve(null, s);
  }

  private PrunePipeline.Result run(PruningConfig c, Path out, boolean resume, int stopAfter) throws Exception {
    return PrunePipeline.run(new PrunePipeline.Options(c, TinyNets.data(256, 128), out, null, resume, stopAfter, 0, 0,
        "test", RunListener.SILENT, TinyNets::tiny));
  }

  @Test
  void writesPrunedModelAndReport() throws Exception {
    PruningConfig c = tinyConfig("sgd");
    PrunePipeline.Result r = run(c, dir, false, 0);
    assertTrue(r.finished());
    assertTrue(Files.isRegularFile(dir.resolve("report.html")));
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
      PruningConfig c = opt.endsWith("+distill")
          ? tinyConfig("sgd", "augment.shift", "1", "distill.weight", "0.6", "distill.temperature", "3",
              "distill.phases", "admm,retrain")
          : tinyConfig(opt);
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
    PrunePipeline.Result plain = run(tinyConfig("sgd"), dir.resolve("plain"), false, 0);
    assertTrue(plain.finished());
    PruningConfig kd = tinyConfig("sgd", "distill.weight", "0.5", "distill.phases", "retrain");
    run(kd, dir.resolve("kd"), false, 0);
    PruningConfig shift = tinyConfig("sgd", "augment.shift", "2");
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
