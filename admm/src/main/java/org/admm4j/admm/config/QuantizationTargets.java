package org.admm4j.admm.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * Matches quantization rules to the pruned layers: the rule naming a layer exactly wins, else the last glob or
 * {@code kind:} rule matching it; layers no rule matches stay float. A rule matching no pruned layer is refused
 * (a dense layer is not quantized: its weights are stored as they are).
 */
public final class QuantizationTargets {

  private QuantizationTargets() {}

  /**
   * @param layers the model's conv and linear weights
   * @param pruned the layers the last stage prunes
   * @return pruned layer → its rule, in model order
   */
  public static LinkedHashMap<String, QuantizationRule> resolve(List<QuantizationRule> rules,
      List<LayerTargets.Candidate> layers, Set<String> pruned) throws ConfigException {
    for (QuantizationRule r : rules) {
      boolean any = false;
      for (LayerTargets.Candidate c : layers) {
        any |= pruned.contains(c.name()) && r.matches(c.name(), c.kind());
      }
      if (!any) {
        throw new ConfigException("quantization rule layers." + r.pattern() + ".bits = " + r.bits()
            + " matches no pruned layer; pruned layers: " + String.join(", ", pruned));
      }
    }
    LinkedHashMap<String, QuantizationRule> out = new LinkedHashMap<>();
    for (LayerTargets.Candidate c : layers) {
      if (!pruned.contains(c.name())) {
        continue;
      }
      QuantizationRule chosen = null;
      for (QuantizationRule r : rules) {
        if (r.isExact() && r.matches(c.name(), c.kind())) {
          chosen = r;
        }
      }
      if (chosen == null) {
        for (QuantizationRule r : rules) {
          if (!r.isExact() && r.matches(c.name(), c.kind())) {
            chosen = r;
          }
        }
      }
      if (chosen != null) {
        out.put(c.name(), chosen);
      }
    }
    return out;
  }
}
