package org.admm4j.admm.config;

import java.util.Locale;
import java.util.regex.Pattern;
import org.admm4j.nn.LayerKind;

/**
 * The pruning target of the layers {@code pattern} names: an exact layer name such as {@code conv2}; a
 * glob with {@code *} (any characters, dots included) and {@code ?} (one character) matched against the
 * whole dotted name, so {@code *conv*} matches {@code block1.conv1}; or a kind, {@code kind:conv} or
 * {@code kind:linear} (the {@link LayerKind} of the weight tensor). The target is either the fraction of
 * weights kept or the exact number of non-zeros kept; under a group {@code structure} (filters, channels,
 * columns) it is the fraction of groups kept.
 *
 * @param keepFraction in (0, 1], or NaN when {@code nonzeros} is given
 * @param nonzeros at least 1, or -1 when {@code keepFraction} is given (only with {@link LayerStructure#WEIGHT})
 * @param structure what the pruning removes: single weights, or whole filters, channels or columns
 */
public record LayerRule(String pattern, double keepFraction, long nonzeros, LayerStructure structure) {

  public LayerRule {
    if (pattern == null || pattern.isEmpty()) {
      throw new IllegalArgumentException("layer pattern must not be empty");
    }
    if (Double.isNaN(keepFraction) == (nonzeros < 0)) {
      throw new IllegalArgumentException("layer " + pattern + ": give exactly one of keep fraction and non-zero count");
    }
    if (structure == null) {
      throw new IllegalArgumentException("layer " + pattern + ": structure must not be null");
    }
    if (structure.grouped() && nonzeros >= 0) {
      throw new IllegalArgumentException("layers." + pattern + ".structure = " + structure.setting()
          + " takes a keep fraction (of its " + structure.plural() + "), not a non-zero count");
    }
  }

  /** An unstructured rule (single weights). */
  public LayerRule(String pattern, double keepFraction, long nonzeros) {
    this(pattern, keepFraction, nonzeros, LayerStructure.WEIGHT);
  }

  /** A rule keeping {@code fraction} of the weights. */
  public static LayerRule keep(String pattern, double fraction) {
    return new LayerRule(pattern, fraction, -1);
  }

  /** A rule keeping {@code fraction} of the {@code structure}'s groups (of the weights for WEIGHT). */
  public static LayerRule keep(String pattern, double fraction, LayerStructure structure) {
    return new LayerRule(pattern, fraction, -1, structure);
  }

  /** This rule with another structure. */
  public LayerRule withStructure(LayerStructure s) {
    return new LayerRule(pattern, keepFraction, nonzeros, s);
  }

  /** A rule keeping exactly {@code count} weights. */
  public static LayerRule nonzeros(String pattern, long count) {
    return new LayerRule(pattern, Double.NaN, count);
  }

  /** Prefix of a rule naming a kind of layer. */
  public static final String KIND_PREFIX = "kind:";

  /** Whether this rule is a glob rather than one exact layer name. */
  public boolean isGlob() {
    return !isKind() && (pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0);
  }

  /** Whether this rule names a kind of layer ({@code kind:conv}, {@code kind:linear}). */
  public boolean isKind() {
    return pattern.startsWith(KIND_PREFIX);
  }

  /** The kind a {@code kind:} rule names, or null when the name is not one of {@code conv}, {@code linear}. */
  public LayerKind kind() {
    String k = pattern.substring(KIND_PREFIX.length()).toUpperCase(Locale.ROOT);
    return k.equals("CONV") ? LayerKind.CONV : k.equals("LINEAR") ? LayerKind.LINEAR : null;
  }

  /** Whether the layer {@code layer} whose weight is of kind {@code kind} matches this rule. */
  public boolean matches(String layer, LayerKind kind) {
    if (isKind()) {
      return kind != null && kind == kind();
    }
    if (!isGlob()) {
      return pattern.equals(layer);
    }
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return layer.matches(regex.toString());
  }

  /**
   * How many of a layer's {@code weights} this rule keeps: {@code round(fraction·weights)} (at least 1),
   * or the count.
   */
  public int keptOf(int weights) {
    if (nonzeros >= 0) {
      return (int) Math.min(nonzeros, weights);
    }
    return (int) Math.max(1, Math.min(weights, Math.round(keepFraction * weights)));
  }

  /**
   * How many groups of {@code groups} a structured rule keeps: {@code round(fraction·groups)}, at least 1.
   */
  public int keptGroupsOf(int groups) {
    return (int) Math.max(1, Math.min(groups, Math.round(keepFraction * groups)));
  }

  /** {@code keep 0.08}, {@code nonzeros 2000} or {@code keep 0.5 filter}, for messages and tables. */
  public String describeTarget() {
    return (nonzeros >= 0 ? "nonzeros " + nonzeros : "keep " + keepFraction)
        + (structure.grouped() ? " " + structure.setting() : "");
  }
}
