package org.admm4j.admm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.admm.config.QuantizationRule;
import org.admm4j.admm.quant.LevelGrid;
import org.admm4j.admm.quant.StraightThroughOptimizer;
import org.admm4j.nn.optim.Optimizer;

/**
 * The quantized layers of a solver: their rules, and from hard pruning on each layer's float weights (the
 * straight-through shadow) and levels. Hard pruning fits the levels to the kept weights and snaps the weights to
 * them; retraining then runs on a {@link StraightThroughOptimizer} that keeps both the mask and the levels.
 */
public final class QuantizedLayers {

  private final Map<String, QuantizationRule> rules = new LinkedHashMap<>();
  private final Map<String, float[]> shadows = new LinkedHashMap<>();
  private final Map<String, LevelGrid> grids = new LinkedHashMap<>();

  void set(Map<String, QuantizationRule> r) {
    rules.clear();
    rules.putAll(r);
  }

  /** The rule of {@code layer}, or null when it stays float. */
  public QuantizationRule rule(String layer) {
    return rules.get(layer);
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** The levels of each quantized layer after hard pruning (empty before it). */
  public Map<String, LevelGrid> grids() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(grids));
  }

  /** After the masks are fixed: levels fitted to each quantized layer's kept weights, the weights snapped. */
  void hardQuantize(List<PrunedLayer> layers) {
    for (PrunedLayer l : layers) {
      QuantizationRule q = rules.get(l.name());
      if (q == null) {
        continue;
      }
      float[] w = l.weight().data();
      LevelGrid grid = q.mode().fit(w, q.bits());
      shadows.put(l.name(), w.clone());
      grids.put(l.name(), grid);
      grid.quantize(w);
    }
  }

  /**
   * The optimizer of the retraining: {@code opt} itself when nothing is quantized, else a straight-through
   * wrapper over it. A run resumed in retraining has no hard-pruning state: the shadow starts as the (quantized)
   * weights and the levels are fitted to them, and the checkpoint's optimizer state then restores both.
   */
  public Optimizer retraining(Optimizer opt, List<PrunedLayer> layers) {
    if (rules.isEmpty()) {
      return opt;
    }
    StraightThroughOptimizer ste = new StraightThroughOptimizer(opt);
    for (PrunedLayer l : layers) {
      QuantizationRule q = rules.get(l.name());
      if (q == null) {
        continue;
      }
      float[] shadow = shadows.get(l.name());
      LevelGrid grid = grids.get(l.name());
      if (shadow == null) {
        shadow = l.weight().data().clone();
        grid = q.mode().fit(shadow, q.bits());
      }
      ste.quantize(l.weight(), shadow, grid, q.mode());
    }
    return ste;
  }
}
