package org.admm4j.admm.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.admm4j.nn.LayerKind;

/**
 * Matches layer rules to a model's conv and linear weight tensors. A layer takes the rule naming it
 * exactly, else the last glob or {@code kind:} rule that matches it; layers no rule matches, and layers
 * whose target keeps every weight, stay dense.
 */
public final class LayerTargets {

  /** A weight tensor that may be pruned: its layer name (without {@code .weight}), kind and size. */
  public record Candidate(String name, LayerKind kind, int weights) {}

  private LayerTargets() {}

  /**
   * The number of weights to keep per pruned layer.
   *
   * @param layers the model's conv and linear weight tensors, in model order
   * @param modelName for messages
   * @return pruned layer → k, in model order
   * @throws ConfigException if a rule names an unknown kind, matches no layer or asks for more non-zeros
   *     than a layer has
   */
  public static LinkedHashMap<String, Integer> resolve(List<LayerRule> rules, List<Candidate> layers,
      String modelName) throws ConfigException {
    for (LayerRule r : rules) {
      if (r.isKind() && r.kind() == null) {
        throw new ConfigException("unknown layer kind '" + r.pattern() + "' (" + r.describeTarget()
            + "): expected kind:conv or kind:linear");
      }
      boolean any = false;
      for (Candidate c : layers) {
        any |= r.matches(c.name(), c.kind());
      }
      if (!any) {
        List<String> names = new ArrayList<>();
        for (Candidate c : layers) {
          names.add(c.name() + " (" + c.kind().name().toLowerCase(java.util.Locale.ROOT) + ", " + c.weights()
              + " weights)");
        }
        throw new ConfigException("unknown layer '" + r.pattern() + "' (" + r.describeTarget() + "): "
            + modelName + " has no weight layer " + (r.isGlob() || r.isKind() ? "matching it" : "of that name")
            + "; its layers: " + String.join(", ", names));
      }
    }
    LinkedHashMap<String, Integer> kept = new LinkedHashMap<>();
    for (Candidate c : layers) {
      LayerRule chosen = null;
      for (LayerRule r : rules) {
        if (!r.isGlob() && !r.isKind() && r.matches(c.name(), c.kind())) {
          chosen = r;
        }
      }
      if (chosen == null) {
        for (LayerRule r : rules) {
          if ((r.isGlob() || r.isKind()) && r.matches(c.name(), c.kind())) {
            chosen = r;
          }
        }
      }
      if (chosen == null) {
        continue;
      }
      if (chosen.nonzeros() > c.weights()) {
        throw new ConfigException("layers." + chosen.pattern() + ".nonzeros = " + chosen.nonzeros()
            + " is invalid: layer " + c.name() + " has only " + c.weights() + " weights");
      }
      int k = chosen.keptOf(c.weights());
      if (k < c.weights()) {
        kept.put(c.name(), k);
      }
    }
    return kept;
  }
}
