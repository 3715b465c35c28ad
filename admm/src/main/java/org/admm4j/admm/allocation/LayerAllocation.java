package org.admm4j.admm.allocation;

import java.util.ArrayList;
import java.util.List;
import org.admm4j.admm.config.LayerRule;

/**
 * What {@link LayerAllocator} chose and why: per layer its weights, the weights it keeps and the evidence
 * (the share of the global magnitude ranking it holds, and for the sensitivity method its measured
 * accuracy at each keep fraction tried). report.json's {@code allocation}.
 *
 * @param baselineAccuracy accuracy of the unpruned model on the held-back images (NaN for the magnitude method)
 * @param price the accuracy a kept weight was worth where the layers' choices balance (sensitivity method;
 *     NaN otherwise)
 * @param images held-back training images evaluated (0 for the magnitude method)
 */
public record LayerAllocation(AllocationTarget target, double baselineAccuracy, double price, int images,
    List<Layer> layers) {

  /** One measured point: the layer alone pruned to {@code keep}, the others dense. */
  public record Point(double keep, double accuracy) {}

  /**
   * @param magnitudeKept the weights the global magnitude threshold alone would keep in this layer
   * @param sensitivity accuracy at each keep fraction tried (empty for the magnitude method)
   */
  public record Layer(String name, int weights, int kept, int magnitudeKept, List<Point> sensitivity) {
    public Layer {
      sensitivity = List.copyOf(sensitivity);
    }

    public double keepFraction() {
      return (double) kept / weights;
    }
  }

  public LayerAllocation {
    layers = List.copyOf(layers);
  }

  /** The total prunable weights over the total kept. */
  public double compression() {
    long total = 0, kept = 0;
    for (Layer l : layers) {
      total += l.weights();
      kept += l.kept();
    }
    return (double) total / kept;
  }

  /** The weights kept per layer, in model order. */
  public java.util.Map<String, Integer> keptByLayer() {
    java.util.Map<String, Integer> kept = new java.util.LinkedHashMap<>();
    for (Layer l : layers) {
      kept.put(l.name(), l.kept());
    }
    return kept;
  }

  /** This allocation with other per-layer choices (same target, price and evidence counts). */
  LayerAllocation withLayers(List<Layer> other) {
    return new LayerAllocation(target, baselineAccuracy, price, images, other);
  }

  /** The plan's layer rules: exact non-zero counts per layer (layers kept whole get none). */
  public List<LayerRule> rules() {
    List<LayerRule> rules = new ArrayList<>();
    for (Layer l : layers) {
      if (l.kept() < l.weights()) {
        rules.add(LayerRule.nonzeros(l.name(), l.kept()));
      }
    }
    return rules;
  }
}
