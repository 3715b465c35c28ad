package org.admm4j.admm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.nn.LayerKind;
import org.junit.jupiter.api.Test;

class StageTargetsTest {

  /** LeNet-5's weight tensors. */
  private static final List<LayerTargets.Candidate> LENET5 = List.of(
      new LayerTargets.Candidate("conv1", LayerKind.CONV, 500),
      new LayerTargets.Candidate("conv2", LayerKind.CONV, 25_000),
      new LayerTargets.Candidate("fc1", LayerKind.LINEAR, 400_000),
      new LayerTargets.Candidate("fc2", LayerKind.LINEAR, 5_000));

  private static PrunePlan.Builder fortyX() {
    return PrunePlan.builder().keep("conv1", 1).keep("conv2", 0.12).keep("fc1", 0.0155).keep("fc2", 0.2);
  }

  @Test
  void rulesOverrideThePreviousStageAndUnnamedLayersKeepTheirCounts() throws Exception {
    PrunePlan p = fortyX().stage(Stage.of(List.of(LayerRule.keep("fc1", 0.005), LayerRule.keep("conv1", 0.8))))
        .stage(Stage.of(List.of(LayerRule.nonzeros("fc*", 900)))).build();
    List<LinkedHashMap<String, Integer>> t = StageTargets.resolve(p, LENET5);
    assertEquals(3, t.size());
    assertEquals(Map.of("conv2", 3000, "fc1", 6200, "fc2", 1000), t.get(0));
    assertEquals(Map.of("conv1", 400, "conv2", 3000, "fc1", 2000, "fc2", 1000), t.get(1));
    assertEquals(Map.of("conv1", 400, "conv2", 3000, "fc1", 900, "fc2", 900), t.get(2));
    assertEquals(List.of("conv1", "conv2", "fc1", "fc2"), List.copyOf(t.get(1).keySet()), "model order");
  }

  @Test
  void aCompressionScalesStageOnesProportions() throws Exception {
    PrunePlan p = fortyX().stage(Stage.compression(100)).build();
    Map<String, Integer> t = StageTargets.resolve(p, LENET5).get(1);
    long nz = 500;
    for (int k : t.values()) {
      nz += k;
    }
    assertTrue(430_500.0 / nz >= 100, "reaches 100x: " + nz);
    assertTrue(430_500.0 / nz < 100.5, "and not much more: " + nz);
    // 3,000 : 6,200 : 1,000 kept
    assertEquals(6200.0 / 3000, (double) t.get("fc1") / t.get("conv2"), 0.01);
    assertEquals(false, t.containsKey("conv1"), "dense in stage 1, dense after");
  }

  @Test
  void aStageThatGrowsALayerOrCannotBeReachedIsNamed() {
    PrunePlan grows = fortyX().stage(Stage.of(List.of(LayerRule.keep("fc1", 0.02)))).build();
    String m = assertThrows(ConfigException.class, () -> StageTargets.resolve(grows, LENET5)).getMessage();
    assertTrue(m.contains("stage 2 (fc1 keep 0.02) keeps 8000 weights of fc1, more than the 6200 of stage 1"), m);
    PrunePlan unknown = fortyX().stage(Stage.of(List.of(LayerRule.keep("fc9", 0.01)))).build();
    m = assertThrows(ConfigException.class, () -> StageTargets.resolve(unknown, LENET5)).getMessage();
    assertTrue(m.contains("unknown layer 'fc9'"), m);
    // conv1 dense in stage 1 holds 500 weights: 1,000× needs fewer than 431 non-zeros in all
    PrunePlan far = fortyX().stage(Stage.compression(1000)).build();
    m = assertThrows(ConfigException.class, () -> StageTargets.resolve(far, LENET5)).getMessage();
    assertTrue(m.contains("stage 2 (1000x) cannot be reached by scaling stage 1's targets"), m);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Stage.compression(0.5));
    assertTrue(e.getMessage().contains("> 1"), e.getMessage());
  }
}
