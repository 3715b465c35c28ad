package org.admm4j.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
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
        layers.add(new LayerTargets.Candidate(p.name().replace(".weight", ""), p.kind(), p.size(), p.shape()));
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
    PrunePlan l5 = PruningConfigParser.parse(Presets.settings("lenet5-350x-hand")).plan();
    assertEquals(4, l5.stageCount());
    assertEquals(12, l5.retrain(3).epochs());
    assertEquals(0.005f, l5.retrain(3).lr());
    assertEquals(10, l5.admmIterations(2));
    PruningConfig auto = PruningConfigParser.parse(Presets.settings("lenet5-350x"));
    assertEquals(5, auto.plan().stageCount());
    assertEquals(71.2, auto.allocation().compression());
    assertTrue(auto.allocation().remeasure());
    assertEquals(351.4, auto.plan().stages().get(3).compression());
    assertEquals(12, auto.plan().retrain(4).epochs());
    assertEquals(List.of(), auto.plan().layers(), "no hand-tuned targets");
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
        if (name.equals("lenet5-quant")) {
          // lenet5-350x-hand's targets, quantized
          assertEquals(compression("lenet5-350x-hand"), compression(name), 0, name);
        }
        continue;
      }
      int target = Integer.parseInt(name.replaceAll(".*-(\\d+)x$", "$1"));
      PruningConfig config = PruningConfigParser.parse(Presets.settings(name));
      // an allocated preset reaches its last stage's compression by the allocation (LayerAllocatorTest)
      double c = config.allocation() == null ? compression(name)
          : config.plan().stages().get(config.plan().stages().size() - 1).compression();
      assertTrue(c >= target, name + " compresses only " + c);
      assertTrue(c < target * 1.1, name + " overshoots: " + c);
    }
    assertEquals(Presets.DEFAULT, Presets.names().get(0));
  }

  /** convnet-conv: conv weights ≥ 13.4× and conv MACs ≥ 5× fewer by its targets; fc1 and fc2 dense. */
  @Test
  void convnetConvPrunesOnlyTheConvolutionsPastThePapersRatio() throws Exception {
    PrunePlan p = PruningConfigParser.parse(Presets.settings("convnet-conv")).plan();
    assertEquals("fashion-mnist", p.dataset());
    org.admm4j.nn.Model m = org.admm4j.nn.Models.create("convnet", 1);
    Map<String, Integer> kept = LayerTargets.resolve(p.layers(), candidates(m), "convnet");
    assertEquals(java.util.List.of("conv1", "conv2", "conv3", "conv4"), java.util.List.copyOf(kept.keySet()));
    long weights = 0, nonzero = 0, macs = 0, macsKept = 0;
    for (org.admm4j.nn.Parameter w : m.weights()) {
      if (w.kind() == org.admm4j.nn.LayerKind.CONV) {
        String layer = w.name().replace(".weight", "");
        weights += w.size();
        nonzero += kept.get(layer);
        macs += w.size() * w.macsPerWeight();
        macsKept += kept.get(layer) * w.macsPerWeight();
      }
    }
    assertEquals(64_800, weights);
    assertTrue((double) weights / nonzero >= 13.4, weights + " / " + nonzero);
    assertTrue((double) macs / macsKept >= 5, macs + " / " + macsKept);
  }

  /**
   * convnet-filter: keeping its numbers of filters (the first ones, dead ones zeroed with their bias and
   * BatchNorm) and removing the others leaves ≥ 4× fewer MACs over the whole network.
   */
  @Test
  void convnetFilterRemovesEnoughFiltersForAFourthOfTheMacs() throws Exception {
    PrunePlan p = PruningConfigParser.parse(Presets.settings("convnet-filter")).plan();
    org.admm4j.nn.Model m = org.admm4j.nn.Models.create("convnet", 1);
    Map<String, org.admm4j.admm.config.LayerRule> rules = LayerTargets.chosen(p.layers(), candidates(m), "convnet");
    assertEquals(java.util.List.of("conv1", "conv2", "conv3", "conv4", "fc1"), java.util.List.copyOf(rules.keySet()));
    Map<String, boolean[]> keep = new LinkedHashMap<>();
    for (var e : rules.entrySet()) {
      assertEquals(org.admm4j.admm.config.LayerStructure.FILTER, e.getValue().structure());
      org.admm4j.nn.Parameter w = m.parameter(e.getKey() + ".weight");
      int out = w.shape()[0];
      int k = e.getValue().keptGroupsOf(out);
      boolean[] mask = new boolean[out];
      int per = w.size() / out;
      for (int o = 0; o < out; o++) {
        mask[o] = o < k;
        if (o >= k) {
          java.util.Arrays.fill(w.data(), o * per, (o + 1) * per, 0f);
          for (org.admm4j.nn.Parameter c : org.admm4j.nn.surgery.ChannelTensors.of(m, e.getKey())) {
            c.data()[o] = 0f;
          }
        }
      }
      keep.put(e.getKey(), mask);
    }
    org.admm4j.nn.Model small = org.admm4j.nn.surgery.FilterRemoval.removeFilters(m, keep);
    long before = 0, after = 0;
    for (org.admm4j.nn.Parameter w : m.weights()) {
      before += w.size() * w.macsPerWeight();
    }
    for (org.admm4j.nn.Parameter w : small.weights()) {
      after += w.size() * w.macsPerWeight();
    }
    assertEquals(19_094_528, before);
    assertTrue((double) before / after >= 4, before + " / " + after);
  }

  private static java.util.List<LayerTargets.Candidate> candidates(org.admm4j.nn.Model m) {
    java.util.List<LayerTargets.Candidate> out = new java.util.ArrayList<>();
    for (org.admm4j.nn.Parameter p : m.weights()) {
      out.add(new LayerTargets.Candidate(p.name().replace(".weight", ""), p.kind(), p.size(), p.shape()));
    }
    return out;
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
