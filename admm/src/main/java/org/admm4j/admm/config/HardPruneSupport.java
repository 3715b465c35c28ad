package org.admm4j.admm.config;

/** Which weights survive the hard pruning after the ADMM iterations. */
public enum HardPruneSupport {
  /** Z's support: the weights Z = Π(W + U) kept at the last Z-step (the paper's choice). */
  Z,
  /** The top-k magnitudes of W itself at the end of the last W-step. */
  W
}
