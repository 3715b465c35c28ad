package org.admm4j.nn;

/** What kind of layer a parameter belongs to: pruning targets are CONV and LINEAR weights. */
public enum LayerKind {
  CONV,
  LINEAR,
  OTHER
}
