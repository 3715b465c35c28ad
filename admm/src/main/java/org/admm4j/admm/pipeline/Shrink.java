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
 * After structured pruning, the smaller dense network: every filter-pruned layer whose pruned filters
 * {@link FilterRemoval} can remove loses them physically (with its BatchNorm and the next layer's input
 * channels), and every channel- or column-pruned layer loses the input channels it no longer reads at all,
 * together with the filters (and BatchNorm channels) of the layer that produces them. Layers are taken in
 * model order and each is kept out, with the reason, when adding it makes the removal refuse (a residual
 * sum whose branches would keep different channels, the classifier's outputs, an input that is not one
 * layer's output). The shrunk network's logits are compared with the pruned one's on the given images.
 *
 * @param model the shrunk model (the pruned one itself when nothing was removed)
 * @param removed the structured layers whose pruned groups were removed (a filter-pruned layer's filters, a
 *     channel- or column-pruned layer's unread input channels)
 * @param notRemoved per structured layer left as it is, why
 * @param maxLogitDifference the largest |logit difference| between the pruned and the shrunk model on the
 *     check images (0 when nothing was removed)
 */
record Shrink(Model model, List<String> removed, Map<String, String> notRemoved, double maxLogitDifference) {

  /** Shrinks {@code pruned}; {@code images} ({@code count} of them) check the logits. */
  static Shrink of(Model pruned, List<PrunedLayer> layers, float[] images, int count) {
    Map<String, boolean[]> accepted = new LinkedHashMap<>();
    Map<String, String> notRemoved = new LinkedHashMap<>();
    List<String> removed = new ArrayList<>();
    List<FilterRemoval.Feed> feeds = FilterRemoval.feeds(pruned);
    Model shrunk = pruned;
    for (PrunedLayer l : layers) {
      if (l.structure() == LayerStructure.WEIGHT) {
        continue;
      }
      Map<String, boolean[]> attempt = new LinkedHashMap<>(accepted);
      if (l.structure() == LayerStructure.FILTER) {
        attempt.put(l.name(), and(attempt.get(l.name()), l.keptFilters()));
      } else {
        // channel and column pruning zero the layer's own inputs: an input channel it reads nowhere goes, with
        // the filter of the layer that produces it
        FilterRemoval.Feed feed = feeds.stream().filter(f -> f.consumer().equals(l.name())).findFirst().orElse(null);
        if (feed == null) {
          notRemoved.put(l.name(), "its input is not the output of one conv or linear layer (the network's input, "
              + "or a residual block's), so the channels it no longer reads cannot be removed; its zeros stay sparse");
          continue;
        }
        if (allTrue(feed.read())) {
          notRemoved.put(l.name(), l.structure().setting() + " pruning left no input channel entirely unread; its "
              + "zeros stay sparse");
          continue;
        }
        attempt.put(feed.producer(), and(attempt.get(feed.producer()), feed.read()));
      }
      try {
        shrunk = FilterRemoval.removeFilters(pruned, attempt);
        accepted = attempt;
        removed.add(l.name());
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
    return new Shrink(shrunk, List.copyOf(removed), notRemoved, diff);
  }

  private static boolean[] and(boolean[] a, boolean[] b) {
    if (a == null) {
      return b.clone();
    }
    boolean[] m = a.clone();
    for (int i = 0; i < m.length; i++) {
      m[i] &= b[i];
    }
    return m;
  }

  private static boolean allTrue(boolean[] a) {
    for (boolean b : a) {
      if (!b) {
        return false;
      }
    }
    return true;
  }

  /** Whether any structured layer was pruned (and a shrink was attempted). */
  boolean attempted() {
    return !removed.isEmpty() || !notRemoved.isEmpty();
  }

  /** Log lines: what was removed, what was not and why, the logit check. */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    if (!removed.isEmpty()) {
      out.add(String.format(java.util.Locale.ROOT,
          "removed the pruned filters or unread input channels of %s: max |logit difference| %.3g",
          String.join(", ", removed), maxLogitDifference));
    }
    notRemoved.forEach((layer, why) -> out.add("not removed: " + layer + ": " + why));
    return out;
  }
}
