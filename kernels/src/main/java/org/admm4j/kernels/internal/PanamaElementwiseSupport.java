package org.admm4j.kernels.internal;

/** Vector API element-wise ops. */
final class PanamaElementwiseSupport extends ScalarElementwiseSupport {
  // TODO(conv): vector bodies; until then the scalar loops serve.
}
