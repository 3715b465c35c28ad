package org.admm4j.admm.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.admm4j.admm.TinyNets;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.io.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Checkpoint#read} on the state files of real runs (the fuzz target's seeds) and on damaged ones:
 * each damage is an {@link IOException} naming state.json and the field.
 */
class CheckpointReadTest {

  private static final String TENSORS = "checkpoint-000001.safetensors";

  @TempDir
  Path dir;

  @Test
  void theStatesOfRealRunsLoad() throws Exception {
    assertPosition("dense-epoch-1.json", Phase.DENSE, 0, 1);
    assertPosition("admm-iteration-2.json", Phase.ADMM, 0, 2);
    assertPosition("retrain-epoch-1.json", Phase.RETRAIN, 0, 1);
    assertPosition("stage-2-admm.json", Phase.ADMM, 1, 2);
    assertPosition("quantized-two-stages-done.json", Phase.DONE, 1, 0);
    Checkpoint.Saved allocated = checkpoint(seed("allocated-admm.json")).read();
    assertNotNull(allocated.state().history().allocation, "the allocation survives state.json");
    assertTrue(allocated.state().history().histogramsBefore.containsKey("fc1"), "and the histograms");
  }

  @Test
  void aTensorFileOutsideTheCheckpointFolderIsRefused() throws Exception {
    assertDamaged(o -> o.addProperty("tensors", "../../elsewhere/" + TENSORS), "tensors = \"../../elsewhere/");
    assertDamaged(o -> o.addProperty("tensors", "report.json"), "tensors = \"report.json\"");
  }

  @Test
  void aRunThatIsNotDoneNamesItsTensorFile() throws Exception {
    assertDamaged(o -> o.remove("tensors"), "tensors is missing");
  }

  @Test
  void fieldsOfTheWrongTypeAreNamed() throws Exception {
    assertDamaged(o -> o.add("format", new JsonArray()), "format: expected a string, found an array");
    assertDamaged(o -> o.addProperty("sequence", "many"), "sequence: expected an integer");
    assertDamaged(o -> o.getAsJsonObject("config").addProperty("batch", "many"),
        "config.batch: expected an integer in [1, 65536], found \"many\"");
    assertDamaged(o -> o.getAsJsonObject("progress").getAsJsonArray("dense_epochs").get(0).getAsJsonObject()
        .add("loss", new JsonObject()), "progress.dense_epochs[0].loss: expected a number, found an object");
    assertDamaged(o -> o.getAsJsonObject("config").remove("dense.lr"), "config.dense.lr is missing");
    assertDamaged(o -> o.getAsJsonObject("data").addProperty("train", 1.5), "data.train: expected an integer");
  }

  @Test
  void aPositionOutsideThePlanIsRefused() throws Exception {
    assertDamaged(o -> o.addProperty("stage", 1), "stage: expected an integer in [0, 0], found \"1\"");
    assertDamaged(o -> o.addProperty("next", 4), "next: expected an integer in [0, 3], found \"4\"");
    assertDamaged(o -> o.add("next", new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber(
        "1e999999999"))), "next: expected an integer in [0, 3], found \"1e999999999\"");
    assertDamaged(o -> o.addProperty("phase", "SLEEPING"), "phase = \"SLEEPING\": expected one of [dense, admm,");
    assertDamaged(o -> o.getAsJsonObject("config").addProperty("threads", 0), "config.threads: expected an integer");
    assertDamaged(o -> o.addProperty("trainer_steps", -1), "trainer_steps: expected an integer in [0,");
  }

  @Test
  void settingsOutsideTheRangesOfTheParserAreRefused() throws Exception {
    assertDamaged(o -> o.getAsJsonObject("config").addProperty("rho.growth", 0.5),
        "config.rho.growth: expected a number in [1.0, ");
    assertDamaged(o -> o.getAsJsonObject("config").addProperty("layers.conv1.keep", 2),
        "config.layers.conv1.keep: expected a number in [4.9E-324, 1.0], found \"2\"");
    assertDamaged(o -> o.getAsJsonObject("config").addProperty("retrain.momentum", 1),
        "config.retrain.momentum: expected a number in [0.0, 0.9999999999999999]");
    assertDamaged(o -> o.getAsJsonObject("config").addProperty("admm.lr", "NaN"), "config.admm.lr: expected a number");
  }

  @Test
  void settingsWithoutALayerPatternAreNoLayerRule() throws Exception {
    // "layers.keep": prefix and suffix overlap; the substring of the pattern had thrown
    JsonObject o = JsonParser.parseString(seed("dense-epoch-1.json")).getAsJsonObject();
    o.getAsJsonObject("config").addProperty("layers.keep", 0.5);
    o.getAsJsonObject("config").addProperty("layers.nonzeros", 5);
    Checkpoint.Saved s = checkpoint(o.toString()).read();
    assertEquals(2, s.state().plan().layers().size(), "conv1 and fc* only");
  }

  @Test
  void histogramsHaveOneEdgeMoreThanCounts() throws Exception {
    JsonObject o = JsonParser.parseString(seed("admm-iteration-2.json")).getAsJsonObject();
    o.getAsJsonObject("progress").getAsJsonObject("histograms_before").getAsJsonObject("conv1")
        .getAsJsonArray("counts").remove(0);
    IOException e = assertThrows(IOException.class, () -> checkpoint(o.toString()).read());
    assertTrue(e.getMessage().contains("progress.histograms_before.conv1.edges: 61 edges for 59 counts"),
        e.getMessage());
  }

  @Test
  void aRunnersStateComesBackAndNamesItsKind() throws Exception {
    JsonObject o = JsonParser.parseString(seed("admm-iteration-2.json")).getAsJsonObject();
    JsonObject runner = new JsonObject();
    runner.addProperty("kind", "spark");
    runner.addProperty("partitions", 2);
    o.add("runner", runner);
    RunState s = checkpoint(o.toString()).read().state();
    assertEquals("spark", s.runnerKind());
    assertEquals(runner, s.runner());
    assertDamaged(x -> x.add("runner", new JsonArray()), "runner: expected an object, found an array");
    assertDamaged(x -> x.add("runner", new JsonObject()), "runner.kind is missing");
  }

  @Test
  void aRunnersTensorsAreSavedBesideTheRunsOwnUnderOtherNames() throws Exception {
    RunState s = checkpoint(seed("admm-iteration-2.json")).read().state();
    Model m = TinyNets.tiny("tiny", 1);
    Checkpoint c = new Checkpoint(dir.resolve("saved").resolve("checkpoint"));
    c.save(s, m, List.of(), false, null, Map.of("partition/1/opt/fc.weight.momentum", Tensor.of(new float[] {1, 2})));
    Checkpoint.Saved back = new Checkpoint(c.dir()).read();
    assertArrayEquals(new float[] {1, 2}, back.tensors().tensors().get("partition/1/opt/fc.weight.momentum").data());
    for (Parameter p : m.tensors()) {
      assertArrayEquals(p.data(), back.tensors().tensors().get("w/" + p.name()).data(), p.name());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.save(s, m, List.of(), false, null, Map.of("opt/step", Tensor.of(new float[] {1}))));
    assertTrue(e.getMessage().contains("tensor opt/step: the prefix opt/ is the run's own"), e.getMessage());
  }

  private void assertPosition(String seed, Phase phase, int stage, int next) throws IOException {
    RunState s = checkpoint(seed(seed)).read().state();
    assertEquals(phase, s.phase(), seed);
    assertEquals(stage, s.stage(), seed);
    assertEquals(next, s.next(), seed);
  }

  /** Damages the state after ADMM iteration 2 (of 3) by {@code damage}; the read must name {@code field}. */
  private void assertDamaged(Consumer<JsonObject> damage, String field) throws IOException {
    JsonObject o = JsonParser.parseString(seed("admm-iteration-2.json")).getAsJsonObject();
    damage.accept(o);
    Path c = checkpointFolder(o.toString());
    IOException e = assertThrows(IOException.class, () -> new Checkpoint(c).read());
    assertTrue(e.getMessage().startsWith(c.resolve(Checkpoint.STATE_FILE).toString()), e.getMessage());
    assertTrue(e.getMessage().contains(field), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  private Path checkpointFolder(String state) throws IOException {
    Path c = Files.createDirectories(dir.resolve("run" + System.nanoTime()).resolve("checkpoint"));
    Files.writeString(c.resolve(Checkpoint.STATE_FILE), state, StandardCharsets.UTF_8);
    try (InputStream in = getClass().getResourceAsStream("CheckpointFuzzTest/" + TENSORS)) {
      Files.write(c.resolve(TENSORS), in.readAllBytes());
    }
    return c;
  }

  private Checkpoint checkpoint(String state) throws IOException {
    return new Checkpoint(checkpointFolder(state));
  }

  private static String seed(String name) throws IOException {
    try (InputStream in = CheckpointReadTest.class.getResourceAsStream("CheckpointFuzzTestInputs/read/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
