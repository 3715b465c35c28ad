package org.admm4j.admm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.admm4j.admm.config.LayerTargets.Candidate;
import org.admm4j.nn.LayerKind;
import org.junit.jupiter.api.Test;

class LayerTargetsTest {

  /** A model with dotted names: two conv blocks and a linear head. */
  private static final List<Candidate> LAYERS = List.of(new Candidate("block1.conv1", LayerKind.CONV, 100),
      new Candidate("block1.conv2", LayerKind.CONV, 1000), new Candidate("block2.conv1", LayerKind.CONV, 250),
      new Candidate("head.fc", LayerKind.LINEAR, 5001));

  @Test
  void globsMatchTheWholeDottedNameAndStarCrossesDots() throws Exception {
    LayerRule conv = LayerRule.keep("*conv*", 0.5);
    assertTrue(conv.matches("block1.conv1", LayerKind.CONV));
    assertFalse(LayerRule.keep("conv*", 0.5).matches("block1.conv1", LayerKind.CONV), "whole name, not a part");
    assertTrue(LayerRule.keep("block?.conv1", 0.5).matches("block2.conv1", LayerKind.CONV));
    assertFalse(LayerRule.keep("block?.conv1", 0.5).matches("block12.conv1", LayerKind.CONV));
    assertTrue(LayerRule.keep("block1.*", 0.5).matches("block1.conv2", LayerKind.CONV));
    assertFalse(LayerRule.keep("block1.conv", 0.5).matches("block1.conv1", LayerKind.CONV), "an exact name is exact");
    Map<String, Integer> k = LayerTargets.resolve(List.of(conv), LAYERS, "m");
    assertEquals(Map.of("block1.conv1", 50, "block1.conv2", 500, "block2.conv1", 125), k);
  }

  @Test
  void kindsTargetConvAndLinearWeights() throws Exception {
    Map<String, Integer> k = LayerTargets.resolve(List.of(LayerRule.keep("kind:conv", 0.3),
        LayerRule.keep("kind:linear", 0.1)), LAYERS, "m");
    // round(f·n) half up, at least 1: 0.1 · 5001 = 500.1 → 500; 0.3 · 250 = 75
    assertEquals(List.of("block1.conv1", "block1.conv2", "block2.conv1", "head.fc"), List.copyOf(k.keySet()));
    assertEquals(30, k.get("block1.conv1"));
    assertEquals(75, k.get("block2.conv1"));
    assertEquals(500, k.get("head.fc"));
    assertFalse(LayerRule.keep("kind:conv", 0.3).matches("head.fc", LayerKind.LINEAR));
    assertFalse(LayerRule.keep("kind:conv", 0.3).isGlob());
  }

  @Test
  void exactNamesWinThenTheLastGlobOrKind() throws Exception {
    Map<String, Integer> k = LayerTargets.resolve(List.of(LayerRule.keep("block1.conv1", 0.9),
        LayerRule.keep("kind:conv", 0.3), LayerRule.keep("block1.*", 0.5)), LAYERS, "m");
    assertEquals(90, k.get("block1.conv1"));
    assertEquals(500, k.get("block1.conv2"), "the last matching glob/kind rule wins");
    assertEquals(75, k.get("block2.conv1"));
    assertFalse(k.containsKey("head.fc"), "unmatched layers stay dense");
  }

  @Test
  void keptCountRoundsHalfUpAndKeepsAtLeastOne() {
    assertEquals(1, LayerRule.keep("x", 0.001).keptOf(100));
    assertEquals(3, LayerRule.keep("x", 0.25).keptOf(10), "2.5 rounds up");
    assertEquals(2, LayerRule.keep("x", 0.24).keptOf(10));
    assertEquals(7, LayerRule.nonzeros("x", 7).keptOf(10));
  }

  @Test
  void badRulesAreNamed() {
    ConfigException kind = assertThrows(ConfigException.class,
        () -> LayerTargets.resolve(List.of(LayerRule.keep("kind:pool", 0.3)), LAYERS, "m"));
    assertTrue(kind.getMessage().contains("kind:pool") && kind.getMessage().contains("kind:linear"), kind.getMessage());
    ConfigException none = assertThrows(ConfigException.class,
        () -> LayerTargets.resolve(List.of(LayerRule.keep("fc*", 0.3)), LAYERS, "m"));
    assertTrue(none.getMessage().contains("head.fc (linear, 5001 weights)"), none.getMessage());
  }

  @Test
  void unknownNamesAndTooManyNonZerosAreNamed() {
    List<Candidate> layers = List.of(new Candidate("conv1", LayerKind.CONV, 500),
        new Candidate("fc1", LayerKind.LINEAR, 4000));
    ConfigException e = assertThrows(ConfigException.class,
        () -> LayerTargets.resolve(List.of(LayerRule.keep("fc3", 0.1)), layers, "tiny"));
    assertTrue(e.getMessage().contains("unknown layer 'fc3'") && e.getMessage().contains("conv1 (conv, 500 weights)"),
        e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> LayerTargets.resolve(List.of(LayerRule.nonzeros("fc1", 5000)), layers, "tiny"));
    assertTrue(e.getMessage().contains("fc1 has only 4000"), e.getMessage());
  }

  @Test
  void layersKeepingEveryWeightStayDense() throws Exception {
    assertTrue(LayerTargets.resolve(List.of(LayerRule.keep("*", 1.0)), LAYERS, "m").isEmpty());
  }
}
