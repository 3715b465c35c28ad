package org.admm4j.kernels.internal;

/** Vector API projection. */
final class PanamaProjectionSupport extends ScalarProjectionSupport {
  // TODO(topk): vectorised histogram selection.
}
