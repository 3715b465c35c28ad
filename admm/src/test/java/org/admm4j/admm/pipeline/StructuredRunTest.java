package org.admm4j.admm.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.admm4j.admm.AdmmSolver;
import org.admm4j.admm.PrunedLayer;
import org.admm4j.admm.TinyNets;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.admm.config.HardPruneSupport;
import org.admm4j.admm.config.LayerStructure;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.RhoSchedule;
import org.admm4j.admm.config.Stage;
import org.admm4j.admm.config.TrainingSchedule;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.files.StoredModel;
import org.admm4j.nn.inference.InferenceModel;
import org.admm4j.nn.surgery.ChannelTensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Filter pruning end to end: the run shrinks the network, writes the smaller model and reports both shapes. */
class StructuredRunTest {

  @TempDir
  Path dir;

  private static final ForkJoinPool POOL = new ForkJoinPool(2);

  @AfterAll
  static void shutDown() {
    POOL.shutdown();
  }

  static PrunePlan filterPlan() {
    return PrunePlan.builder().model("snet").dataset("synthetic").batch(32).seed(3)
        .dense(new TrainingSchedule(1, "sgd", 0.03f, 0.9f, 0.0005f, "cosine"))
        .admm(2, new TrainingSchedule(1, "sgd", 0.03f, 0.9f, 0f, "constant")).rho(new RhoSchedule(0.05, 2, 1))
        .retrain(new TrainingSchedule(1, "sgd", 0.03f, 0.9f, 0.0005f, "cosine"))
        .keep("kind:conv", 0.5, LayerStructure.FILTER).keep("fc1", 0.5, LayerStructure.FILTER).build();
  }

  @Test
  void filterPruningShrinksTheNetworkAndTheModelFileLoads() throws Exception {
    TrainingData data = TinyNets.data(192, 64);
    PruneResult r = PruneRun.of(filterPlan(), TinyNets::residual, data, POOL).writeTo(dir).run();
    Model m = r.model();
    // conv1 6 → 3 filters; conv2 feeds the identity shortcut and block1.conv2 ends the body: pruned, not removed
    assertArrayEquals(new int[] {3, 1, 3, 3}, m.parameter("conv1.weight").shape());
    assertArrayEquals(new int[] {8, 3, 3, 3}, m.parameter("conv2.weight").shape());
    assertArrayEquals(new int[] {3, 8, 3, 3}, m.parameter("block1.conv1.weight").shape());
    assertArrayEquals(new int[] {8, 3, 3, 3}, m.parameter("block1.conv2.weight").shape());
    assertArrayEquals(new int[] {6, 128}, m.parameter("fc1.weight").shape());
    assertArrayEquals(new int[] {10, 6}, m.parameter("fc2.weight").shape());
    assertArrayEquals(new int[] {3}, m.parameter("bn1.weight").shape());
    assertArrayEquals(new int[] {6}, m.parameter("bn3.running_var").shape());

    JsonObject rep = JsonFiles.read(dir.resolve("report.json"));
    JsonObject shrink = rep.getAsJsonObject("shrink");
    assertEquals(List.of("conv1", "block1.conv1", "fc1"), strings(shrink.getAsJsonArray("removed")));
    assertTrue(shrink.getAsJsonObject("not_removed").get("conv2").getAsString().contains("block1"),
        shrink.toString());
    assertTrue(shrink.getAsJsonObject("not_removed").has("block1.conv2"));
    assertTrue(shrink.get("max_logit_difference").getAsDouble() < 1e-4, shrink.toString());
    JsonArray layers = rep.getAsJsonArray("layers");
    JsonObject conv1 = layers.get(0).getAsJsonObject();
    for (String f : new String[] {"name", "weights", "nonzero", "kept_fraction", "macs_dense", "macs_pruned", "kind",
        "shape_before", "shape_after"}) {
      assertTrue(conv1.has(f), "layers[0] lacks " + f);
    }
    assertEquals("conv", conv1.get("kind").getAsString());
    assertEquals(List.of(6, 1, 3, 3), ints(conv1.getAsJsonArray("shape_before")));
    assertEquals(List.of(3, 1, 3, 3), ints(conv1.getAsJsonArray("shape_after")));
    assertEquals(54, conv1.get("weights").getAsInt());
    assertEquals(27, conv1.get("nonzero").getAsInt());
    assertEquals(54L * 64, conv1.get("macs_dense").getAsLong());
    JsonObject fc1 = layers.get(4).getAsJsonObject();
    assertEquals("linear", fc1.get("kind").getAsString());
    assertEquals(List.of(12, 128), ints(fc1.getAsJsonArray("shape_before")));
    assertEquals(List.of(6, 128), ints(fc1.getAsJsonArray("shape_after")));
    JsonObject fc2 = layers.get(5).getAsJsonObject();
    assertEquals(60, fc2.get("nonzero").getAsInt(), "fc2 loses the inputs of fc1's removed features");
    long convDense = 0;
    long convPruned = 0;
    for (var e : layers) {
      JsonObject l = e.getAsJsonObject();
      if (l.get("kind").getAsString().equals("conv")) {
        convDense += l.get("macs_dense").getAsLong();
        convPruned += l.get("macs_pruned").getAsLong();
      }
    }
    assertEquals(convDense, rep.get("conv_macs_dense").getAsLong());
    assertEquals(convPruned, rep.get("conv_macs_pruned").getAsLong());
    assertTrue(convPruned < convDense / 2, convPruned + " of " + convDense);
    assertEquals("filter", rep.getAsJsonObject("config").get("layers.kind:conv.structure").getAsString());

    // the file is the smaller dense model: its spec gives the new widths; both loaders agree with the run's model
    StoredModel stored = ModelFiles.read(dir.resolve("model.safetensors"));
    assertArrayEquals(new int[] {3, 1, 3, 3}, stored.model().parameter("conv1.weight").shape());
    InferenceModel served = InferenceModel.load(dir.resolve("model.safetensors"));
    float[] images = java.util.Arrays.copyOf(data.testImages(), 16 * 64);
    float[] expected = m.predictLogits(images, 16);
    float[] fromFile = stored.model().predictLogits(images, 16);
    float[] fromServing = new float[expected.length];
    served.logits(images, 16, fromServing);
    assertArrayEquals(expected, fromFile, 1e-5f);
    assertArrayEquals(expected, fromServing, 1e-4f);
  }

  /** The convnet's four convolutions and fc1 lose their pruned filters; the logits stay. */
  @Test
  void shrinkingTheConvnetKeepsItsLogits() {
    Model m = Models.create("convnet", 5);
    SplittableRandom r = new SplittableRandom(6);
    randomizeBatchNorms(m, r);
    List<PrunedLayer> layers = new ArrayList<>();
    int[] kept = {12, 14, 25, 29, 100};
    String[] names = {"conv1", "conv2", "conv3", "conv4", "fc1"};
    for (int i = 0; i < names.length; i++) {
      layers.add(PrunedLayer.structured(names[i], m.parameter(names[i] + ".weight"), LayerStructure.FILTER, kept[i],
          ChannelTensors.of(m, names[i])));
    }
    Shrink s = hardPruneAndShrink(m, layers, r);
    assertEquals(List.of(names), s.removed());
    assertTrue(s.notRemoved().isEmpty(), s.notRemoved().toString());
    Model small = s.model();
    assertArrayEquals(new int[] {12, 1, 3, 3}, small.parameter("conv1.weight").shape());
    assertArrayEquals(new int[] {14, 12, 3, 3}, small.parameter("conv2.weight").shape());
    assertArrayEquals(new int[] {25, 14, 3, 3}, small.parameter("conv3.weight").shape());
    assertArrayEquals(new int[] {29, 25, 3, 3}, small.parameter("conv4.weight").shape());
    assertArrayEquals(new int[] {100, 29 * 49}, small.parameter("fc1.weight").shape());
    assertArrayEquals(new int[] {10, 100}, small.parameter("fc2.weight").shape());
  }

  /** Channel pruning end to end: conv2 keeps 3 of its 6 input channels, so conv1 keeps 3 filters in the file. */
  @Test
  void channelPruningShrinksTheProducerAndTheModelFileLoads() throws Exception {
    PrunePlan plan = PrunePlan.builder().model("snet").dataset("synthetic").batch(32).seed(3)
        .dense(new TrainingSchedule(1, "sgd", 0.03f, 0.9f, 0.0005f, "cosine"))
        .admm(2, new TrainingSchedule(1, "sgd", 0.03f, 0.9f, 0f, "constant")).rho(new RhoSchedule(0.05, 2, 1))
        .retrain(new TrainingSchedule(1, "sgd", 0.03f, 0.9f, 0.0005f, "cosine"))
        .keep("conv2", 0.5, LayerStructure.CHANNEL).keep("block1.conv1", 0.6, LayerStructure.CHANNEL).build();
    TrainingData data = TinyNets.data(192, 64);
    PruneResult r = PruneRun.of(plan, TinyNets::residual, data, POOL).writeTo(dir).run();
    Model m = r.model();
    assertArrayEquals(new int[] {3, 1, 3, 3}, m.parameter("conv1.weight").shape());
    assertArrayEquals(new int[] {3}, m.parameter("bn1.running_var").shape());
    assertArrayEquals(new int[] {8, 3, 3, 3}, m.parameter("conv2.weight").shape());
    // block1.conv1 reads the output of conv2 through the block's input, which the identity shortcut also reads
    assertArrayEquals(new int[] {5, 8, 3, 3}, m.parameter("block1.conv1.weight").shape());
    JsonObject shrink = JsonFiles.read(dir.resolve("report.json")).getAsJsonObject("shrink");
    assertEquals(List.of("conv2"), strings(shrink.getAsJsonArray("removed")));
    assertTrue(shrink.getAsJsonObject("not_removed").get("block1.conv1").getAsString().contains("residual"),
        shrink.toString());
    StoredModel stored = ModelFiles.read(dir.resolve("model.safetensors"));
    assertArrayEquals(new int[] {3, 1, 3, 3}, stored.model().parameter("conv1.weight").shape());
    float[] images = java.util.Arrays.copyOf(data.testImages(), 16 * 64);
    assertArrayEquals(m.predictLogits(images, 16), stored.model().predictLogits(images, 16), 1e-5f);
  }

  /**
   * Channel pruning of conv2 and conv4 leaves input channels they read nowhere: those go with conv1's and conv3's
   * filters (and bn1's, bn3's channels, which still shift them); the logits stay.
   */
  @Test
  void channelPruningRemovesTheUnreadChannelsWithTheirFilters() {
    Model m = Models.create("convnet", 7);
    SplittableRandom r = new SplittableRandom(8);
    randomizeBatchNorms(m, r);
    List<PrunedLayer> layers = new ArrayList<>();
    layers.add(PrunedLayer.structured("conv2", m.parameter("conv2.weight"), LayerStructure.CHANNEL, 20, List.of()));
    layers.add(PrunedLayer.structured("conv4", m.parameter("conv4.weight"), LayerStructure.CHANNEL, 40, List.of()));
    Shrink s = hardPruneAndShrink(m, layers, r);
    assertEquals(List.of("conv2", "conv4"), s.removed());
    assertTrue(s.notRemoved().isEmpty(), s.notRemoved().toString());
    Model small = s.model();
    assertArrayEquals(new int[] {20, 1, 3, 3}, small.parameter("conv1.weight").shape());
    assertArrayEquals(new int[] {32, 20, 3, 3}, small.parameter("conv2.weight").shape());
    assertArrayEquals(new int[] {40, 32, 3, 3}, small.parameter("conv3.weight").shape());
    assertArrayEquals(new int[] {64, 40, 3, 3}, small.parameter("conv4.weight").shape());
    assertEquals(20, small.parameter("bn1.running_var").size());
  }

  /**
   * Hard-prunes {@code layers} of the convnet {@code m}, shrinks it and checks on 8 random images that the shrunk
   * model's logits are the pruned one's (and that the shrink's own check says so).
   */
  private static Shrink hardPruneAndShrink(Model m, List<PrunedLayer> layers, SplittableRandom r) {
    AdmmSolver solver = new AdmmSolver(layers);
    solver.initialize();
    solver.hardPrune(HardPruneSupport.W);
    float[] images = new float[8 * 784];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) r.nextGaussian();
    }
    Shrink s = Shrink.of(m, layers, images, 8);
    float[] a = m.predictLogits(images, 8);
    float[] b = s.model().predictLogits(images, 8);
    double scale = 0;
    for (float v : a) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertTrue(scale > 0.1, "logits not degenerate");
    assertArrayEquals(a, b, (float) (1e-4 * Math.max(1, scale)));
    assertTrue(s.maxLogitDifference() <= 1e-4 * Math.max(1, scale));
    return s;
  }

  /** BatchNorm parameters and running statistics away from their defaults, so that removal is really tested. */
  private static void randomizeBatchNorms(Model m, SplittableRandom r) {
    for (Parameter p : m.tensors()) {
      if (p.name().startsWith("bn")) {
        float[] d = p.data();
        for (int i = 0; i < d.length; i++) {
          d[i] = p.name().endsWith("running_var") ? (float) (0.5 + r.nextDouble()) : (float) r.nextGaussian();
        }
      }
    }
  }

  /** Stopped in retraining and resumed: the pruned filters' masks come back, the shrunk model is the same bits. */
  @Test
  void resumedFilterPruningEndsWithTheSameBits() throws Exception {
    PrunePlan base = filterPlan();
    PrunePlan p = PrunePlan.builder().model("snet").dataset("synthetic").batch(32).seed(3).dense(base.dense())
        .admm(2, base.admm()).rho(base.rho()).retrain(new TrainingSchedule(2, "sgd", 0.03f, 0.9f, 0.0005f, "cosine"))
        .layers(base.layers()).build();
    assertEquals(p, RunStateJson.plan(RunStateJson.config(p, 2)), "the structure survives state.json");
    TrainingData data = TinyNets.data(128, 32);
    Model whole = PruneRun.of(p, TinyNets::residual, data, POOL).writeTo(dir.resolve("a")).run().model();
    int[] seen = {0};
    PruneResult stopped = PruneRun.of(p, TinyNets::residual, data, POOL).writeTo(dir.resolve("b"))
        .listener(new PruneListener() {
          @Override
          public Control onEpoch(EpochEvent e) {
            return ++seen[0] == 2 ? Control.STOP : Control.CONTINUE; // dense epoch 1, then retraining epoch 1
          }
        }).run();
    assertTrue(!stopped.finished());
    Model resumed = PruneRun.resume(dir.resolve("b"), TinyNets::residual, data, POOL).run().model();
    assertEquals(whole.tensors().size(), resumed.tensors().size());
    for (Parameter t : whole.tensors()) {
      assertArrayEquals(t.data(), resumed.parameter(t.name()).data(), t.name());
    }
    assertArrayEquals(new int[] {3, 1, 3, 3}, resumed.parameter("conv1.weight").shape());
  }

  @Test
  void structuredTargetsAreRefusedWithStagesAndNonzeroCounts() {
    PrunePlan staged = PrunePlan.builder().model("snet").keep("conv1", 0.5, LayerStructure.FILTER)
        .stage(Stage.compression(2)).build();
    ConfigException e = assertThrows(ConfigException.class,
        () -> PruneRun.of(staged, TinyNets::residual, TinyNets.data(64, 32), POOL).run());
    assertTrue(e.getMessage().contains("layers.conv1.structure = filter"), e.getMessage());
    IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
        () -> new org.admm4j.admm.config.LayerRule("conv1", Double.NaN, 10, LayerStructure.CHANNEL));
    assertTrue(n.getMessage().contains("layers.conv1.structure = channel"), n.getMessage());
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    a.forEach(e -> out.add(e.getAsString()));
    return out;
  }

  private static List<Integer> ints(JsonArray a) {
    List<Integer> out = new ArrayList<>();
    a.forEach(e -> out.add(e.getAsInt()));
    return out;
  }

}
