package org.admm4j.admm.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.admm4j.admm.TinyNets;
import org.admm4j.admm.config.ConfigException;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.junit.jupiter.api.Test;

class LayerAllocatorTest {

  private static Map<String, Parameter> prunable(Model m) {
    Map<String, Parameter> layers = new LinkedHashMap<>();
    for (Parameter p : m.weights()) {
      layers.put(p.name().substring(0, p.name().lastIndexOf('.')), p);
    }
    return layers;
  }

  @Test
  void magnitudeKeepsTheGloballyLargestWeightsAboveEachFloor() throws ConfigException {
    Model m = TinyNets.tiny("tiny", 1);
    Map<String, Parameter> layers = prunable(m);
    // conv1's weights tiny, fc2's huge: a global ranking takes fc2 first and conv1 only at its floor
    SplittableRandom r = new SplittableRandom(5);
    for (Map.Entry<String, Parameter> e : layers.entrySet()) {
      float scale = e.getKey().equals("conv1") ? 1e-3f : 1f;
      float[] w = e.getValue().data();
      for (int i = 0; i < w.length; i++) {
        w[i] = e.getKey().equals("fc2") ? (float) ((r.nextBoolean() ? 1 : -1) * r.nextDouble(5, 10))
            : (float) (r.nextDouble(-1, 1) * scale);
      }
    }
    AllocationTarget t = new AllocationTarget(4, AllocationMethod.MAGNITUDE, 0.01, 1);
    LayerAllocation a = LayerAllocator.allocate(m, layers, t, null, null, 0);
    long total = 36 + 864 + 240;
    long kept = a.layers().stream().mapToLong(LayerAllocation.Layer::kept).sum();
    assertTrue(kept <= total / 4, "kept " + kept);
    assertTrue(kept >= total / 4 - 2, "the threshold is the lowest that fits: kept " + kept);
    assertTrue(a.compression() >= 4);
    assertEquals(1, a.layers().get(0).kept(), "conv1 at its floor: ceil(0.01·36)");
    assertEquals(240, a.layers().get(2).kept(), "fc2 whole: " + a.layers());
    // exactly the largest magnitudes of fc1
    float[] fc1 = layers.get("fc1").data().clone();
    int k = a.layers().get(1).kept();
    int larger = 0;
    float[] sorted = fc1.clone();
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = Math.abs(sorted[i]);
    }
    java.util.Arrays.sort(sorted);
    float threshold = sorted[sorted.length - k];
    for (float v : fc1) {
      larger += Math.abs(v) >= threshold ? 1 : 0;
    }
    assertEquals(k, larger);
    assertEquals(a.rules().size(), 2, "fc2 kept whole needs no rule");
  }

  @Test
  void floorsAboveTheBudgetAreRefusedWithTheSetting() {
    Model m = TinyNets.tiny("tiny", 1);
    ConfigException e = assertThrows(ConfigException.class, () -> LayerAllocator.allocate(m, prunable(m),
        new AllocationTarget(20, AllocationMethod.MAGNITUDE, 0.1, 1), null, null, 0));
    assertTrue(e.getMessage().contains("allocation.floor"), e.getMessage());
  }

  @Test
  void eachLayerTakesThePointWithTheLeastDropPlusPrice() {
    List<LayerAllocation.Point> curve = List.of(new LayerAllocation.Point(0.5, 0.90), new LayerAllocation.Point(0.1, 0.80),
        new LayerAllocation.Point(0.05, 0.85), new LayerAllocation.Point(0.01, 0.40));
    double base = 0.90;
    int n = 1000;
    assertEquals(1.0, LayerAllocator.fraction(0, base, curve, n), 1e-12, "free weights: keep all");
    // 0.5 drops nothing: any positive price takes it
    assertEquals(0.5, LayerAllocator.fraction(1e-6, base, curve, n), 1e-12);
    // 0.05's better accuracy does not count (monotone drops: 0.10 like 0.1), so 0.1 is never the choice:
    // 0.05 costs 0.10 of accuracy for 450 fewer weights than 0.5, worth it above 0.10 / 450 per weight
    assertEquals(0.5, LayerAllocator.fraction(0.9 * 0.10 / 450, base, curve, n), 1e-12);
    assertEquals(0.05, LayerAllocator.fraction(1.1 * 0.10 / 450, base, curve, n), 1e-12);
    // 0.01 costs 0.40 more for 40 fewer: above 0.01 per weight
    assertEquals(0.05, LayerAllocator.fraction(0.9 * 0.01, base, curve, n), 1e-12);
    assertEquals(0.01, LayerAllocator.fraction(1.1 * 0.01, base, curve, n), 1e-12);
    double previous = 1;
    for (double price = 1e-7; price < 10; price *= 1.5) {
      double f = LayerAllocator.fraction(price, base, curve, n);
      assertTrue(f <= previous + 1e-12, "falls as the price grows");
      previous = f;
    }
  }

  @Test
  void sensitivityMeetsTheTargetAndRecordsItsEvidenceWithoutChangingTheModel() throws ConfigException {
    Model m = TinyNets.tiny("tiny", 2);
    Map<String, Parameter> layers = prunable(m);
    float[][] before = layers.values().stream().map(p -> p.data().clone()).toArray(float[][]::new);
    TrainingData d = TinyNets.data(300, 10);
    int n = 200, size = d.sampleSize();
    float[] x = java.util.Arrays.copyOfRange(d.trainImages(), 100 * size, 300 * size);
    byte[] y = java.util.Arrays.copyOfRange(d.trainLabels(), 100, 300);
    LayerAllocation a = LayerAllocator.allocate(m, layers, new AllocationTarget(5, AllocationMethod.SENSITIVITY, 0.02,
        n), x, y, n);
    assertTrue(a.compression() >= 5, "compression " + a.compression());
    assertTrue(a.compression() < 5.1, "close to the target: " + a.compression());
    assertEquals(n, a.images());
    for (LayerAllocation.Layer l : a.layers()) {
      assertEquals(LayerAllocator.grid(0.02).length, l.sensitivity().size(), l.name());
      assertTrue(l.kept() >= Math.ceil(0.02 * l.weights()), l.name());
    }
    int i = 0;
    for (Parameter p : layers.values()) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(before[i++], p.data(), "weights restored: " + p.name());
    }
  }

  @Test
  void stagesAreAllocatedFromOnePassEachWithinTheStageBefore() throws ConfigException {
    for (AllocationMethod method : AllocationMethod.values()) {
      Model m = TinyNets.tiny("tiny", 3);
      Map<String, Parameter> layers = prunable(m);
      TrainingData d = TinyNets.data(300, 10);
      int n = 200, size = d.sampleSize();
      float[] x = java.util.Arrays.copyOfRange(d.trainImages(), 100 * size, 300 * size);
      byte[] y = java.util.Arrays.copyOfRange(d.trainLabels(), 100, 300);
      AllocationTarget t = new AllocationTarget(3, method, 0.01, n);
      double[] later = {6, 11.5};
      List<LayerAllocation> all = LayerAllocator.allocateStages(m, layers, t, later, x, y, n);
      assertEquals(3, all.size(), method.setting());
      LayerAllocation alone = LayerAllocator.allocate(m, layers, t, x, y, n);
      assertEquals(alone.layers(), all.get(0).layers(), "stage 1 as a one-stage allocation: " + method.setting());
      double[] targets = {3, 6, 11.5};
      for (int s = 0; s < all.size(); s++) {
        LayerAllocation a = all.get(s);
        assertEquals(targets[s], a.target().compression(), method.setting());
        assertTrue(a.compression() >= targets[s], method.setting() + " stage " + (s + 1) + ": " + a.compression());
        assertTrue(a.compression() < targets[s] * 1.1, method.setting() + " stage " + (s + 1) + " close to its target: "
            + a.compression());
        for (int l = 0; l < a.layers().size(); l++) {
          assertTrue(a.layers().get(l).kept() >= Math.ceil(0.01 * a.layers().get(l).weights()), "floor");
          if (s > 0) {
            assertTrue(a.layers().get(l).kept() <= all.get(s - 1).layers().get(l).kept(),
                method.setting() + ": stage " + (s + 1) + " keeps no more of " + a.layers().get(l).name()
                    + " than stage " + s);
          }
        }
      }
    }
  }

  @Test
  void stageCompressionsThatDoNotGrowAreRefused() {
    Model m = TinyNets.tiny("tiny", 1);
    ConfigException e = assertThrows(ConfigException.class, () -> LayerAllocator.allocateStages(m, prunable(m),
        new AllocationTarget(4, AllocationMethod.MAGNITUDE, 0.01, 1), new double[] {8, 8}, null, null, 0));
    assertTrue(e.getMessage().contains("stage 3's compression 8.0 must exceed stage 2's 8.0"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> LayerAllocator.allocateStages(m, prunable(m),
        new AllocationTarget(4, AllocationMethod.MAGNITUDE, 0.1, 1), new double[] {20}, null, null, 0));
    assertTrue(e.getMessage().contains("compression = 20.0 is out of reach"), e.getMessage());
  }

  @Test
  void aRemeasuredStageIsAllocatedOnTheModelItStartsFromWithinItsCounts() throws ConfigException {
    for (AllocationMethod method : AllocationMethod.values()) {
      Model m = TinyNets.tiny("tiny", 4);
      Map<String, Parameter> layers = prunable(m);
      TrainingData d = TinyNets.data(300, 10);
      int n = 200, size = d.sampleSize();
      float[] x = java.util.Arrays.copyOfRange(d.trainImages(), 100 * size, 300 * size);
      byte[] y = java.util.Arrays.copyOfRange(d.trainLabels(), 100, 300);
      AllocationTarget t = new AllocationTarget(3, method, 0.01, n, true);
      LayerAllocation first = LayerAllocator.allocate(m, layers, t, x, y, n);
      // the model as the stage before left it: each layer at its count, the rest exact zeros
      Map<String, Integer> current = new LinkedHashMap<>();
      for (LayerAllocation.Layer l : first.layers()) {
        float[] w = layers.get(l.name()).data();
        LayerAllocator.keepLargest(w.clone(), LayerAllocator.ascendingMagnitudes(w), w, l.kept());
        current.put(l.name(), l.kept());
      }
      float[][] before = layers.values().stream().map(p -> p.data().clone()).toArray(float[][]::new);
      LayerAllocation a = LayerAllocator.allocateFrom(m, layers, t.at(7), current, x, y, n);
      String at = method.setting();
      assertEquals(7, a.target().compression(), at);
      assertTrue(a.compression() >= 7 && a.compression() < 7 * 1.1, at + ": " + a.compression());
      for (LayerAllocation.Layer l : a.layers()) {
        assertTrue(l.kept() <= current.get(l.name()), at + ": " + l.name() + " within the stage before");
        assertTrue(l.kept() >= Math.min(current.get(l.name()), Math.ceil(0.01 * l.weights())), at + ": floor");
        if (method == AllocationMethod.SENSITIVITY) {
          LayerAllocation.Point top = l.sensitivity().get(0);
          assertEquals((double) current.get(l.name()) / l.weights(), top.keep(), 1e-12, "the current count first");
          assertEquals(a.baselineAccuracy(), top.accuracy(), "at no cost");
          for (int i = 1; i < l.sensitivity().size(); i++) {
            assertTrue(l.sensitivity().get(i).keep() < l.sensitivity().get(i - 1).keep(), "fractions fall");
          }
        } else {
          assertTrue(l.sensitivity().isEmpty());
        }
      }
      int i = 0;
      for (Parameter p : layers.values()) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(before[i++], p.data(), at + ": weights restored");
      }
      // a later provisional allocation cut to fit under the new counts
      Map<String, Integer> cap = new LinkedHashMap<>();
      a.layers().forEach(l -> cap.put(l.name(), l.kept()));
      LayerAllocation capped = LayerAllocator.capped(first, cap);
      for (int j = 0; j < capped.layers().size(); j++) {
        assertEquals(Math.min(first.layers().get(j).kept(), a.layers().get(j).kept()), capped.layers().get(j).kept());
      }
    }
  }
}
