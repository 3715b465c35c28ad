package org.admm4j.admm.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches layer rules to a model's weight tensors. A layer takes the rule naming it exactly, else the
 * last glob that matches it; layers no rule matches, and layers whose target keeps every weight, stay dense.
 */
public final class LayerTargets {

  private LayerTargets() {}

  /**
   * The number of weights to keep per pruned layer.
   *
   * @param weightCounts layer name (the weight tensor's name without {@code .weight}) → number of weights, in model order
   * @param modelName for messages
   * @return pruned layer → k, in model order
   * @throws ConfigException if a rule matches no layer or asks for more non-zeros than a layer has
   */
  public static LinkedHashMap<String, Integer> resolve(List<LayerRule> rules,
      LinkedHashMap<String, Integer> weightCounts, String modelName) throws ConfigException {
    for (LayerRule r : rules) {
      boolean any = false;
      for (String layer : weightCounts.keySet()) {
        any |= r.matches(layer);
      }
      if (!any) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Integer> e : weightCounts.entrySet()) {
          names.add(e.getKey() + " (" + e.getValue() + " weights)");
        }
        throw new ConfigException("unknown layer '" + r.pattern() + "' (" + r.describeTarget() + "): "
            + modelName + " has no weight layer " + (r.isGlob() ? "matching it" : "of that name")
            + "; its layers: " + String.join(", ", names));
      }
    }
    LinkedHashMap<String, Integer> kept = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : weightCounts.entrySet()) {
      String layer = e.getKey();
      int n = e.getValue();
      LayerRule chosen = null;
      for (LayerRule r : rules) {
        if (!r.isGlob() && r.matches(layer)) {
          chosen = r;
        }
      }
      if (chosen == null) {
        for (LayerRule r : rules) {
          if (r.isGlob() && r.matches(layer)) {
            chosen = r;
          }
        }
      }
      if (chosen == null) {
        continue;
      }
      if (chosen.nonzeros() > n) {
        throw new ConfigException("layers." + chosen.pattern() + ".nonzeros = " + chosen.nonzeros()
            + " is invalid: layer " + layer + " has only " + n + " weights");
      }
      int k = chosen.keptOf(n);
      if (k < n) {
        kept.put(layer, k);
      }
    }
    return kept;
  }
}
