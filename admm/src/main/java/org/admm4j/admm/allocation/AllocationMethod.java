package org.admm4j.admm.allocation;

import java.util.Locale;

/** How {@link LayerAllocator} turns a global compression target into per-layer targets. */
public enum AllocationMethod {
  /** One magnitude threshold over every prunable weight, each layer kept at or above its floor. */
  MAGNITUDE,
  /**
   * Each layer pruned alone at a few ratios and evaluated on held-back training images; the keep fractions
   * then minimise the summed accuracy drops for the target's weight budget.
   */
  SENSITIVITY;

  /** The setting's spelling, {@code magnitude} or {@code sensitivity}. */
  public String setting() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The method a setting names. */
  public static AllocationMethod parse(String s) {
    for (AllocationMethod m : values()) {
      if (m.setting().equals(s)) {
        return m;
      }
    }
    throw new IllegalArgumentException("allocation.method = " + s + " is invalid: expected magnitude or sensitivity");
  }
}
