package org.admm4j.nn.surgery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.Sequential;
import org.admm4j.nn.spec.LayerSpec;
import org.junit.jupiter.api.Test;

class FilterRemovalTest {

  private static Model network(long seed) {
    Model m = Sequential.builder(3, 10, 10).name("net")
        .conv2d("conv1", 6, 3, 1, 1, true).batchNorm("bn1").relu()
        .conv2d("conv2", 8, 3, 1, 1, false).batchNorm("bn2").relu()
        .residual("block1", b -> b.conv2d("conv1", 5, 3, 1, 1, false).batchNorm("bn1").relu()
            .conv2d("conv2", 8, 3, 1, 1, false).batchNorm("bn2"))
        .relu().maxPool(2).flatten().linear("fc1", 12).batchNorm("bn3").relu().linear("fc2", 4)
        .build(seed);
    // running statistics and BatchNorm parameters away from their defaults
    SplittableRandom r = new SplittableRandom(seed + 1);
    for (Parameter p : m.tensors()) {
      if (p.name().contains("bn")) {
        float[] d = p.data();
        for (int i = 0; i < d.length; i++) {
          d[i] = p.name().endsWith("running_var") ? (float) (0.5 + r.nextDouble()) : (float) r.nextGaussian();
        }
      }
    }
    m.setTraining(false);
    return m;
  }

  /** Zeroes output {@code o} of a layer and of the BatchNorm after it (what structured pruning does). */
  private static void kill(Model m, String layer, String bn, int o) {
    Parameter w = m.parameter(layer + ".weight");
    int per = w.size() / w.shape()[0];
    java.util.Arrays.fill(w.data(), o * per, (o + 1) * per, 0f);
    if (m.tensors().stream().anyMatch(p -> p.name().equals(layer + ".bias"))) {
      m.parameter(layer + ".bias").data()[o] = 0f;
    }
    m.parameter(bn + ".weight").data()[o] = 0f;
    m.parameter(bn + ".bias").data()[o] = 0f;
  }

  private static float[] input(int n, int size) {
    SplittableRandom r = new SplittableRandom(3);
    float[] x = new float[n * size];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  @Test
  void removesDeadFiltersAndKeepsTheOutputs() {
    Model m = network(11);
    boolean[] conv1 = {true, false, true, true, false, true};
    boolean[] inner = {false, true, true, false, true};
    boolean[] fc1 = new boolean[12];
    for (int i = 0; i < 12; i++) {
      fc1[i] = i % 3 != 1;
    }
    for (int o = 0; o < 6; o++) {
      if (!conv1[o]) {
        kill(m, "conv1", "bn1", o);
      }
    }
    for (int o = 0; o < 5; o++) {
      if (!inner[o]) {
        kill(m, "block1.conv1", "block1.bn1", o);
      }
    }
    for (int o = 0; o < 12; o++) {
      if (!fc1[o]) {
        kill(m, "fc1", "bn3", o);
      }
    }
    Model small = FilterRemoval.removeFilters(m, Map.of("conv1", conv1, "block1.conv1", inner, "fc1", fc1));
    assertEquals(new LayerSpec.Conv2d("conv1", 4, 3, 1, 1, true), small.spec().layers().get(0));
    assertEquals(List.of(8, 4, 3, 3), boxed(small.parameter("conv2.weight").shape()));
    assertEquals(List.of(3, 8, 3, 3), boxed(small.parameter("block1.conv1.weight").shape()));
    assertEquals(List.of(8, 3, 3, 3), boxed(small.parameter("block1.conv2.weight").shape()));
    assertEquals(List.of(8, 200), boxed(small.parameter("fc1.weight").shape()));
    assertEquals(List.of(4, 8), boxed(small.parameter("fc2.weight").shape()));
    assertEquals(8, small.parameter("bn3.running_var").size());
    assertTrue(small.parameterCount() < m.parameterCount());

    small.setTraining(false);
    float[] x = input(16, 300);
    float[] before = m.predictLogits(x, 16), after = small.predictLogits(x, 16);
    for (int i = 0; i < before.length; i++) {
      assertEquals(before[i], after[i], 1e-5f * (1 + Math.abs(before[i])), "logit " + i);
    }
  }

  @Test
  void refusesWhatWouldChangeTheOutputs() {
    Model m = network(5);
    boolean[] drop1 = {false, true, true, true, true, true};
    IllegalArgumentException alive = assertThrows(IllegalArgumentException.class,
        () -> FilterRemoval.removeFilters(m, Map.of("conv1", drop1)));
    assertTrue(alive.getMessage().contains("conv1: output 0") && alive.getMessage().contains("not all zero"),
        alive.getMessage());

    kill(m, "conv1", "bn1", 0);
    m.parameter("bn1.bias").data()[0] = 0.5f;
    IllegalArgumentException shifted = assertThrows(IllegalArgumentException.class,
        () -> FilterRemoval.removeFilters(m, Map.of("conv1", drop1)));
    assertTrue(shifted.getMessage().contains("bn1: channel 0"), shifted.getMessage());

    // the block's output channels are summed with its input: its last convolution cannot lose one alone
    boolean[] last = {true, true, true, false, true, true, true, true};
    kill(m, "block1.conv2", "block1.bn2", 3);
    IllegalArgumentException block = assertThrows(IllegalArgumentException.class,
        () -> FilterRemoval.removeFilters(m, Map.of("block1.conv2", last)));
    assertTrue(block.getMessage().startsWith("block1:") && block.getMessage().contains("identity"), block.getMessage());

    boolean[] classes = {true, true, true, false};
    assertThrows(IllegalArgumentException.class, () -> FilterRemoval.removeFilters(m, Map.of("fc2", classes)));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> FilterRemoval.removeFilters(m, Map.of("conv9", new boolean[] {true, false})));
    assertTrue(unknown.getMessage().contains("'conv9'"), unknown.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> FilterRemoval.removeFilters(m, Map.of("conv1", new boolean[6])));
    // a mask that keeps everything changes nothing
    boolean[] all = new boolean[6];
    java.util.Arrays.fill(all, true);
    Model same = FilterRemoval.removeFilters(m, Map.of("conv1", all));
    assertEquals(m.spec(), same.spec());
  }

  /** Channel pruning of a consumer leaves its producer's output unread: removing it is exact, alive or not. */
  @Test
  void removesOutputsTheNextLayerDoesNotRead() {
    Model m = network(17);
    // conv2 reads none of conv1's channel 2 (its own input channel, as channel pruning leaves it); conv1's
    // filter 2 and bn1's shift stay alive
    Parameter w = m.parameter("conv2.weight");
    for (int o = 0; o < 8; o++) {
      java.util.Arrays.fill(w.data(), (o * 6 + 2) * 9, (o * 6 + 3) * 9, 0f);
    }
    List<FilterRemoval.Feed> feeds = FilterRemoval.feeds(m);
    FilterRemoval.Feed conv = feeds.stream().filter(f -> f.producer().equals("conv1")).findFirst().orElseThrow();
    assertEquals("conv2", conv.consumer());
    assertEquals("[true, true, false, true, true, true]", java.util.Arrays.toString(conv.read()));
    // a residual block's input and output are not single feeds
    assertTrue(feeds.stream().noneMatch(f -> f.producer().equals("conv2") || f.consumer().equals("block1.conv1")
        || f.consumer().equals("fc1")), feeds.toString());
    assertTrue(feeds.stream().anyMatch(f -> f.producer().equals("block1.conv1") && f.consumer().equals("block1.conv2")));

    Model small = FilterRemoval.removeFilters(m, Map.of("conv1", conv.read()));
    assertEquals(List.of(5, 3, 3, 3), boxed(small.parameter("conv1.weight").shape()));
    assertEquals(List.of(8, 5, 3, 3), boxed(small.parameter("conv2.weight").shape()));
    small.setTraining(false);
    float[] x = input(16, 300);
    float[] before = m.predictLogits(x, 16), after = small.predictLogits(x, 16);
    for (int i = 0; i < before.length; i++) {
      assertEquals(before[i], after[i], 1e-5f * (1 + Math.abs(before[i])), "logit " + i);
    }

    // the same output read by conv2 after all: refused, naming both layers
    w.data()[2 * 9 + 4] = 0.25f;
    IllegalArgumentException read = assertThrows(IllegalArgumentException.class,
        () -> FilterRemoval.removeFilters(m, Map.of("conv1", conv.read())));
    assertTrue(read.getMessage().contains("conv1: output 2") && read.getMessage().contains("conv2 reads it"),
        read.getMessage());
  }

  /** After a flatten, a channel is unread when none of its features is. */
  @Test
  void aChannelUnreadThroughAFlattenIsRemoved() {
    Model m = Sequential.builder(2, 6, 6).name("flat").conv2d("conv", 4, 3, 1, 1, true).relu().maxPool(2).flatten()
        .linear("fc1", 5).relu().linear("fc2", 3).build(23);
    m.setTraining(false);
    Parameter fc1 = m.parameter("fc1.weight"); // 5 × (4 channels × 9 positions)
    for (int o = 0; o < 5; o++) {
      java.util.Arrays.fill(fc1.data(), o * 36 + 9, o * 36 + 18, 0f);
    }
    FilterRemoval.Feed f = FilterRemoval.feeds(m).stream().filter(x -> x.producer().equals("conv")).findFirst()
        .orElseThrow();
    assertEquals("fc1", f.consumer());
    assertEquals("[true, false, true, true]", java.util.Arrays.toString(f.read()));
    Model small = FilterRemoval.removeFilters(m, Map.of("conv", f.read()));
    assertEquals(List.of(5, 27), boxed(small.parameter("fc1.weight").shape()));
    small.setTraining(false);
    float[] x = input(8, 72);
    float[] before = m.predictLogits(x, 8), after = small.predictLogits(x, 8);
    for (int i = 0; i < before.length; i++) {
      assertEquals(before[i], after[i], 1e-5f * (1 + Math.abs(before[i])), "logit " + i);
    }
  }

  private static List<Integer> boxed(int[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }
}
