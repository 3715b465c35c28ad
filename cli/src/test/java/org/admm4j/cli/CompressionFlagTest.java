package org.admm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.admm4j.admm.pipeline.JsonFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prune --compression R}: layer targets allocated for a global ratio, in place of the preset's. */
class CompressionFlagTest {

  @TempDir
  Path dir;

  @Test
  void aGlobalTargetReplacesThePresetsLayerTargets() throws Exception {
    Path out = dir.resolve("c");
    MainTest.Run r = MainTest.run("prune", "--dataset", "synthetic", "--compression", "30",
        "--set", "allocation.images=64", "--dense-epochs", "1", "--iterations", "2", "--retrain-epochs", "1",
        "--train-limit", "256", "--test-limit", "64", "--threads", "2", "--no-progress", "--out", out.toString());
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().contains("allocation (sensitivity"), r.out());
    JsonObject rep = JsonFiles.read(out.resolve("report.json"));
    assertTrue(rep.get("compression").getAsDouble() >= 30, rep.get("compression").toString());
    JsonObject a = rep.getAsJsonObject("allocation");
    assertEquals(30.0, a.get("compression").getAsDouble());
    assertEquals(64, a.get("held_back_images").getAsInt());
    assertEquals(4, a.getAsJsonArray("layers").size(), "LeNet-5's conv1, conv2, fc1, fc2");
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("<section id=\"allocation\">"), "report.html shows the allocation");
    assertEquals(4, html.split("<tr class=\"allocated\">", -1).length - 1, "one row per layer");
  }

  @Test
  void aProgressiveGlobalTargetAllocatesEveryStage() throws Exception {
    Path out = dir.resolve("staged");
    MainTest.Run r = MainTest.run("prune", "--dataset", "synthetic", "--compression", "10", "--set", "stages=20x",
        "--set", "allocation.images=64", "--dense-epochs", "1", "--iterations", "2", "--retrain-epochs", "1",
        "--train-limit", "256", "--test-limit", "64", "--threads", "2", "--no-progress", "--out", out.toString());
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().contains("allocation of stage 2 (sensitivity, "), r.out());
    JsonObject rep = JsonFiles.read(out.resolve("report.json"));
    assertTrue(rep.get("compression").getAsDouble() >= 20, rep.get("compression").toString());
    JsonObject second = rep.getAsJsonObject("allocation").getAsJsonArray("stages").get(0).getAsJsonObject();
    assertEquals(20.0, second.get("compression").getAsDouble());
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("Stage 2</th>"), "report.html has a column per stage");
  }

  @Test
  void aReMeasuredStageShowsItsOwnEvidence() throws Exception {
    Path out = dir.resolve("remeasured");
    MainTest.Run r = MainTest.run("prune", "--dataset", "synthetic", "--compression", "10", "--set", "stages=20x",
        "--set", "allocation.images=64", "--set", "allocation.remeasure=true", "--dense-epochs", "1", "--iterations",
        "2", "--retrain-epochs", "1", "--train-limit", "256", "--test-limit", "64", "--threads", "2", "--no-progress",
        "--out", out.toString());
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().contains("allocation of stage 2 re-measured (sensitivity, "), r.out());
    JsonObject second = JsonFiles.read(out.resolve("report.json")).getAsJsonObject("allocation")
        .getAsJsonArray("stages").get(0).getAsJsonObject();
    assertTrue(second.has("held_back_accuracy"), second.toString());
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("Stage 2 (20.0×) was allocated on the model it starts from"), "report.html explains it");
    assertTrue(html.contains("Kept at the start</th>") && html.contains("Cut 1</th>"), "and shows its cuts");
  }

  @Test
  void layerTargetsBesideItAndStagedPresetsAreRefusedByName() {
    MainTest.Run r = MainTest.run("prune", "--dataset", "synthetic", "--compression", "30", "--keep", "fc1=0.1",
        "--out", dir.resolve("a").toString(), "--no-progress");
    assertEquals(Main.EXIT_FAILED, r.code(), r.err());
    assertTrue(r.err().contains("layers.fc1.keep = 0.1 (--keep)") && r.err().contains("compression = 30"), r.err());
    r = MainTest.run("prune", "--preset", "lenet5-350x-hand", "--compression", "30", "--out", dir.resolve("b").toString(),
        "--no-progress");
    assertEquals(Main.EXIT_FAILED, r.code(), r.err());
    assertTrue(r.err().contains("stages"), r.err());
    r = MainTest.run("prune", "--compression", "0.5", "--out", dir.resolve("c").toString(), "--no-progress");
    assertEquals(Main.EXIT_FAILED, r.code(), r.err());
    assertTrue(r.err().contains("compression = 0.5 (--compression)"), r.err());
    r = MainTest.run("prune", "--compression", "30", "--set", "allocation.method=guess", "--out",
        dir.resolve("d").toString(), "--no-progress");
    assertTrue(r.err().contains("allocation.method = guess"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    assertFalse(Files.exists(dir.resolve("a")) || Files.exists(dir.resolve("b")));
  }
}
