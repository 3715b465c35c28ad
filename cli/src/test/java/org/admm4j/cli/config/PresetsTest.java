package org.admm4j.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.admm4j.admm.config.LayerTargets;
import org.admm4j.admm.config.PrunePlan;
import org.admm4j.admm.config.StageTargets;
import org.junit.jupiter.api.Test;

class PresetsTest {

  /** LeNet-5's weight tensors (Caffe / the paper), biases excluded. */
  static LinkedHashMap<String, Integer> lenet5Weights() {
    LinkedHashMap<String, Integer> w = new LinkedHashMap<>();
    w.put("conv1", 20 * 1 * 5 * 5);
    w.put("conv2", 50 * 20 * 5 * 5);
    w.put("fc1", 500 * 800);
    w.put("fc2", 10 * 500);
    return w;
  }

  /** The compression of the preset's last stage over its model's conv and linear weights. */
  private static double compression(String preset) throws Exception {
    PruningConfig c = PruningConfigParser.parse(Presets.settings(preset));
    java.util.List<LayerTargets.Candidate> layers = new java.util.ArrayList<>();
    for (org.admm4j.nn.Parameter p : org.admm4j.nn.Models.create(c.plan().model(), 1).parameters()) {
      if (p.isWeight()) {
        layers.add(new LayerTargets.Candidate(p.name().replace(".weight", ""), p.kind(), p.size()));
      }
    }
    java.util.List<LinkedHashMap<String, Integer>> stages = StageTargets.resolve(c.plan(), layers);
    assertEquals(c.plan().stageCount(), stages.size());
    Map<String, Integer> k = stages.get(stages.size() - 1);
    long total = 0;
    long kept = 0;
    for (LayerTargets.Candidate l : layers) {
      total += l.weights();
      kept += k.getOrDefault(l.name(), l.weights());
    }
    return (double) total / kept;
  }

  /** The progressive presets: their stages, and the totals they are measured on. */
  @Test
  void progressivePresetsHaveShrinkingStages() throws Exception {
    PrunePlan l5 = PruningConfigParser.parse(Presets.settings("lenet5-350x")).plan();
    assertEquals(4, l5.stageCount());
    assertEquals(12, l5.retrain(3).epochs());
    assertEquals(0.005f, l5.retrain(3).lr());
    assertEquals(10, l5.admmIterations(2));
    PrunePlan l3 = PruningConfigParser.parse(Presets.settings("lenet-300-100-70x")).plan();
    assertEquals("lenet-300-100", l3.model());
    assertEquals(3, l3.stageCount());
    long weights = 0;
    for (org.admm4j.nn.Parameter p : org.admm4j.nn.Models.create("lenet-300-100", 1).parameters()) {
      weights += p.isWeight() ? p.size() : 0;
    }
    assertEquals(266_200, weights);
  }

  @Test
  void lenet5OfTheModelZooHasTheseWeights() {
    LinkedHashMap<String, Integer> zoo = new LinkedHashMap<>();
    for (org.admm4j.nn.Parameter p : org.admm4j.nn.Models.create("lenet5", 1).parameters()) {
      if (p.isWeight()) {
        zoo.put(p.name().replace(".weight", ""), p.size());
      }
    }
    assertEquals(lenet5Weights(), zoo);
  }

  @Test
  void presetsReachTheirRatioByConstruction() throws Exception {
    assertEquals(430_500, lenet5Weights().values().stream().mapToInt(Integer::intValue).sum());
    for (String name : Presets.names()) {
      if (!name.matches(".*-\\d+x$")) {
        // lenet5-quant: lenet5-350x's targets, quantized
        assertEquals(compression("lenet5-350x"), compression(name), 0, name);
        continue;
      }
      int target = Integer.parseInt(name.replaceAll(".*-(\\d+)x$", "$1"));
      double c = compression(name);
      assertTrue(c >= target, name + " compresses only " + c);
      assertTrue(c < target * 1.1, name + " overshoots: " + c);
    }
    assertEquals(Presets.DEFAULT, Presets.names().get(0));
  }

  /** The library's builder defaults are the presets' schedule: a plan built in code runs like the preset. */
  @Test
  void builderDefaultsAreThePresetSchedule() throws Exception {
    PrunePlan preset = PruningConfigParser.parse(Presets.settings("lenet5-40x")).plan();
    PrunePlan built = PrunePlan.builder().preset("lenet5-40x").keep("conv1", 1).keep("conv2", 0.12)
        .keep("fc1", 0.0155).keep("fc2", 0.20).build();
    assertEquals(preset, built);
  }
}
