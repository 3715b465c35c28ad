package org.admm4j.admm.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.nn.LayerKind;

/**
 * Matches layer rules to a model's conv and linear weight tensors. A layer takes the rule naming it
 * exactly, else the last glob or {@code kind:} rule that matches it; layers no rule matches, and layers
 * whose target keeps every weight, stay dense. A structured rule keeps {@code round(keep·groups)} whole
 * groups (filters, channels, columns; at least 1), counted here in weights.
 */
public final class LayerTargets {

  /**
   * A weight tensor that may be pruned: its layer name (without {@code .weight}), kind, size and shape
   * ({@code [out, in, kh, kw]} or {@code [out, in]}; null when unknown, which only unstructured rules accept).
   */
  public record Candidate(String name, LayerKind kind, int weights, int[] shape) {
    public Candidate(String name, LayerKind kind, int weights) {
      this(name, kind, weights, null);
    }
  }

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
    LinkedHashMap<String, Integer> kept = new LinkedHashMap<>();
    for (Map.Entry<String, LayerRule> e : chosen(rules, layers, modelName).entrySet()) {
      Candidate c = null;
      for (Candidate x : layers) {
        c = x.name().equals(e.getKey()) ? x : c;
      }
      int k = keptWeights(e.getValue(), c);
      if (k < c.weights()) {
        kept.put(c.name(), k);
      }
    }
    return kept;
  }

  /**
   * The weights {@code rule} keeps of layer {@code c}: single weights as {@link LayerRule#keptOf}, or whole
   * groups (kept groups × weights per group) under a structure.
   */
  private static int keptWeights(LayerRule rule, Candidate c) throws ConfigException {
    LayerStructure s = rule.structure();
    if (!s.grouped()) {
      return rule.keptOf(c.weights());
    }
    if (c.shape() == null || (c.shape().length != 2 && c.shape().length != 4)) {
      throw new ConfigException("layers." + rule.pattern() + ".structure = " + s.setting() + " is invalid for layer "
          + c.name() + ": its weight has shape " + (c.shape() == null ? "unknown" : java.util.Arrays.toString(c.shape()))
          + ", expected [out, in, kh, kw] or [out, in]");
    }
    return rule.keptGroupsOf(s.groups(c.shape())) * s.groupSize(c.shape());
  }

  /**
   * The rule each matched layer takes (exact name, else the last matching glob or kind), in model order;
   * layers no rule matches are absent. Checks the rules as {@link #resolve} does.
   */
  public static LinkedHashMap<String, LayerRule> chosen(List<LayerRule> rules, List<Candidate> layers,
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
    LinkedHashMap<String, LayerRule> out = new LinkedHashMap<>();
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
      out.put(c.name(), chosen);
    }
    return out;
  }
}
