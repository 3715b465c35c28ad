package org.admm4j.nn.compact;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;

/**
 * A LeNet-5 pruned and 3-bit quantized like the measured {@code lenet5-quant} run (bench/RESULTS.md): conv1 /
 * conv2 / fc1 / fc2 keep 192 / 499 / 413 / 103 weights, each layer's non-zeros on 6 levels, and only 19 of
 * conv1's channels, 18 of conv2's and 70 of fc1's units have a non-zero outgoing weight. Positions are random
 * inside the live units (the real run's layout is not at hand); biases keep their initial, all non-zero values.
 */
public final class QuantizedLenet5 {

  /** fc1's levels in the measured run; the other layers use them scaled. */
  private static final float[] LEVELS = {-0.457f, -0.316f, -0.225f, 0.250f, 0.367f, 0.498f};

  private QuantizedLenet5() {}

  public static Model build(long seed) {
    Model m = Models.create("lenet5", seed);
    SplittableRandom r = new SplittableRandom(seed);
    List<Integer> conv1Live = pick(r, 20, 19), conv2Live = pick(r, 50, 18), fc1Live = pick(r, 500, 70);
    // conv1 [20,1,5,5]: its filters in the live channels
    fill(r, m.parameter("conv1.weight").data(), 192, 0.8f, slots(conv1Live, List.of(0), 1, 25), List.of());
    // conv2 [50,20,5,5]: from live conv1 channels into live conv2 channels; every live conv1 channel read once
    List<Integer> conv2Slots = slots(conv2Live, conv1Live, 20, 25);
    List<Integer> firstReads = new ArrayList<>();
    for (int c : conv1Live) {
      firstReads.add((conv2Live.get(r.nextInt(conv2Live.size())) * 20 + c) * 25 + r.nextInt(25));
    }
    fill(r, m.parameter("conv2.weight").data(), 499, 0.15f, conv2Slots, firstReads);
    // fc1 [500,800]: columns of live conv2 channels (c·16 … c·16+15), rows of live units
    List<Integer> columns = new ArrayList<>();
    for (int c : conv2Live) {
      for (int s = 0; s < 16; s++) {
        columns.add(c * 16 + s);
      }
    }
    List<Integer> fc1First = new ArrayList<>();
    for (int c : conv2Live) {
      fc1First.add(fc1Live.get(r.nextInt(fc1Live.size())) * 800 + c * 16 + r.nextInt(16));
    }
    fill(r, m.parameter("fc1.weight").data(), 413, 1f, slots(fc1Live, columns, 800, 1), fc1First);
    // fc2 [10,500]: every live fc1 unit read at least once
    List<Integer> fc2First = new ArrayList<>();
    for (int u : fc1Live) {
      fc2First.add(r.nextInt(10) * 500 + u);
    }
    List<Integer> all = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      all.add(k);
    }
    fill(r, m.parameter("fc2.weight").data(), 103, 1.2f, slots(all, fc1Live, 500, 1), fc2First);
    m.setTraining(false);
    return m;
  }

  /** {@code k} distinct indices below {@code n}, sorted. */
  private static List<Integer> pick(SplittableRandom r, int n, int k) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    Collections.shuffle(all, new java.util.Random(r.nextLong()));
    List<Integer> out = new ArrayList<>(all.subList(0, k));
    Collections.sort(out);
    return out;
  }

  private static List<Integer> slots(List<Integer> outputs, List<Integer> inputs, int inputCount, int taps) {
    List<Integer> s = new ArrayList<>();
    for (int o : outputs) {
      for (int i : inputs) {
        for (int t = 0; t < taps; t++) {
          s.add((o * inputCount + i) * taps + t);
        }
      }
    }
    return s;
  }

  /** Zeroes {@code w}, then sets {@code count} positions (the required ones first) to random scaled levels. */
  private static void fill(SplittableRandom r, float[] w, int count, float scale, List<Integer> slots,
      List<Integer> required) {
    java.util.Arrays.fill(w, 0f);
    java.util.LinkedHashSet<Integer> chosen = new java.util.LinkedHashSet<>(required);
    List<Integer> shuffled = new ArrayList<>(slots);
    Collections.shuffle(shuffled, new java.util.Random(r.nextLong()));
    for (int i = 0; chosen.size() < count; i++) {
      chosen.add(shuffled.get(i));
    }
    for (int p : chosen) {
      w[p] = LEVELS[r.nextInt(LEVELS.length)] * scale;
    }
  }
}
