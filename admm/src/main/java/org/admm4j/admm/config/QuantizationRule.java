package org.admm4j.admm.config;

import org.admm4j.admm.quant.QuantizationMode;
import org.admm4j.nn.LayerKind;

/**
 * Joint pruning and quantization of the layers {@code pattern} names (matched as the keep targets are:
 * {@link LayerRule#matches}): their non-zeros take one of 2^bits − 1 levels, zero included, uniform or a
 * codebook. The last stage's Z-steps project onto sparse and quantized tensors, its hard pruning quantizes and
 * its retraining keeps the levels (straight-through).
 *
 * @param bits 2..8
 */
public record QuantizationRule(String pattern, int bits, QuantizationMode mode) {

  /** The fewest and the most bits a rule takes. */
  public static final int MIN_BITS = 2;
  public static final int MAX_BITS = 8;

  public QuantizationRule {
    if (pattern == null || pattern.isEmpty()) {
      throw new IllegalArgumentException("layer pattern must not be empty");
    }
    if (bits < MIN_BITS || bits > MAX_BITS) {
      throw new IllegalArgumentException("layer " + pattern + ": bits = " + bits + ", expected " + MIN_BITS + ".."
          + MAX_BITS);
    }
    if (mode == null) {
      throw new IllegalArgumentException("layer " + pattern + ": no quantization mode");
    }
  }

  /** Whether this rule names {@code layer} of {@code kind}: the keep targets' matching. */
  public boolean matches(String layer, LayerKind kind) {
    return asTarget().matches(layer, kind);
  }

  boolean isExact() {
    LayerRule r = asTarget();
    return !r.isGlob() && !r.isKind();
  }

  private LayerRule asTarget() {
    return LayerRule.nonzeros(pattern, 1);
  }
}
