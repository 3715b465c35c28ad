package org.admm4j.admm.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.admm.PrunedLayer;
import org.admm4j.admm.config.LayerStructure;
import org.admm4j.nn.Model;
import org.admm4j.nn.surgery.FilterRemoval;

/**
 * After filter pruning, the smaller dense network: every filter-pruned layer whose pruned filters
 * {@link FilterRemoval} can remove loses them physically (with its BatchNorm and the next layer's input
 * channels). Layers are taken in model order and each is kept out, with the reason, when adding it makes
 * the removal refuse (a residual sum whose branches would keep different channels, the classifier's
 * outputs). Channel- and column-pruned layers keep their shape: their zeros are inputs of the layer
 * itself, not channels a filter produces. The shrunk network's logits are compared with the pruned one's
 * on the given images.
 *
 * @param model the shrunk model (the pruned one itself when nothing was removed)
 * @param removed the layers whose filters were removed
 * @param notRemoved per structured layer left as it is, why
 * @param maxLogitDifference the largest |logit difference| between the pruned and the shrunk model on the
 *     check images (0 when nothing was removed)
 */
record Shrink(Model model, List<String> removed, Map<String, String> notRemoved, double maxLogitDifference) {

  /** Shrinks {@code pruned}; {@code images} ({@code count} of them) check the logits. */
  static Shrink of(Model pruned, List<PrunedLayer> layers, float[] images, int count) {
    Map<String, boolean[]> accepted = new LinkedHashMap<>();
    Map<String, String> notRemoved = new LinkedHashMap<>();
    Model shrunk = pruned;
    for (PrunedLayer l : layers) {
      if (l.structure() == LayerStructure.WEIGHT) {
        continue;
      }
      if (l.structure() != LayerStructure.FILTER) {
        notRemoved.put(l.name(), l.structure().setting() + " pruning zeroes the layer's own inputs; only pruned "
            + "filters (output channels) can be removed, so its shape stays and the zeros stay sparse");
        continue;
      }
      Map<String, boolean[]> attempt = new LinkedHashMap<>(accepted);
      attempt.put(l.name(), l.keptFilters());
      try {
        shrunk = FilterRemoval.removeFilters(pruned, attempt);
        accepted = attempt;
      } catch (IllegalArgumentException e) {
        notRemoved.put(l.name(), e.getMessage());
      }
    }
    double diff = 0;
    if (shrunk != pruned && count > 0) {
      float[] a = pruned.predictLogits(images, count);
      float[] b = shrunk.predictLogits(images, count);
      for (int i = 0; i < a.length; i++) {
        diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
      }
    }
    return new Shrink(shrunk, List.copyOf(accepted.keySet()), notRemoved, diff);
  }

  /** Whether any structured layer was pruned (and a shrink was attempted). */
  boolean attempted() {
    return !removed.isEmpty() || !notRemoved.isEmpty();
  }

  /** Log lines: what was removed, what was not and why, the logit check. */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    if (!removed.isEmpty()) {
      out.add(String.format(java.util.Locale.ROOT, "removed the pruned filters of %s: max |logit difference| %.3g",
          String.join(", ", removed), maxLogitDifference));
    }
    notRemoved.forEach((layer, why) -> out.add("not removed: " + layer + ": " + why));
    return out;
  }
}
