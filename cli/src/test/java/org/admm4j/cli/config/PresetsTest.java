package org.admm4j.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.admm4j.admm.config.LayerTargets;
import org.admm4j.admm.config.PrunePlan;
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

  private static double compression(String preset) throws Exception {
    PruningConfig c = PruningConfigParser.parse(Presets.settings(preset));
    LinkedHashMap<String, Integer> weights = lenet5Weights();
    java.util.List<LayerTargets.Candidate> layers = new java.util.ArrayList<>();
    weights.forEach((name, n) -> layers.add(new LayerTargets.Candidate(name,
        name.startsWith("conv") ? org.admm4j.nn.LayerKind.CONV : org.admm4j.nn.LayerKind.LINEAR, n)));
    Map<String, Integer> k = LayerTargets.resolve(c.layers(), layers, "lenet5");
    long total = 0;
    long kept = 0;
    for (Map.Entry<String, Integer> e : weights.entrySet()) {
      total += e.getValue();
      kept += k.getOrDefault(e.getKey(), e.getValue());
    }
    return (double) total / kept;
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
