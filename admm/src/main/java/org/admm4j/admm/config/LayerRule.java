package org.admm4j.admm.config;

import java.util.regex.Pattern;

/**
 * The pruning target of the layers whose name matches {@code pattern} (an exact layer name such as
 * {@code conv2}, or a glob with {@code *} and {@code ?} such as {@code fc*}): either the fraction of
 * weights kept or the exact number of non-zeros kept.
 *
 * @param keepFraction in (0, 1], or NaN when {@code nonzeros} is given
 * @param nonzeros at least 1, or -1 when {@code keepFraction} is given
 */
public record LayerRule(String pattern, double keepFraction, long nonzeros) {

  public LayerRule {
    if (pattern == null || pattern.isEmpty()) {
      throw new IllegalArgumentException("layer pattern must not be empty");
    }
    if (Double.isNaN(keepFraction) == (nonzeros < 0)) {
      throw new IllegalArgumentException("layer " + pattern + ": give exactly one of keep fraction and non-zero count");
    }
  }

  /** A rule keeping {@code fraction} of the weights. */
  public static LayerRule keep(String pattern, double fraction) {
    return new LayerRule(pattern, fraction, -1);
  }

  /** A rule keeping exactly {@code count} weights. */
  public static LayerRule nonzeros(String pattern, long count) {
    return new LayerRule(pattern, Double.NaN, count);
  }

  /** Whether this rule is a glob rather than one exact layer name. */
  public boolean isGlob() {
    return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
  }

  /** Whether {@code layer} matches the pattern. */
  public boolean matches(String layer) {
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

  /** {@code keep 0.08} or {@code nonzeros 2000}, for messages and tables. */
  public String describeTarget() {
    return nonzeros >= 0 ? "nonzeros " + nonzeros : "keep " + keepFraction;
  }
}
