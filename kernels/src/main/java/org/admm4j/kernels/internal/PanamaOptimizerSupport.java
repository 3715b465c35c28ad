package org.admm4j.kernels.internal;

/** Vector API optimizer updates. */
final class PanamaOptimizerSupport extends ScalarOptimizerSupport {
  // TODO(nn): vector bodies.
}
