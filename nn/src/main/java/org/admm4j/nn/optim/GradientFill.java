package org.admm4j.nn.optim;

import org.admm4j.nn.Parameter;

/**
 * Writes the gradient of elements {@code [from, to)} of a parameter just before an optimizer step reads
 * them ({@link Optimizer#step(GradientFill)}): data-parallel training sums its shards' gradients here,
 * block by block, so the sum and the update share one pass over memory.
 */
@FunctionalInterface
public interface GradientFill {

  void fill(Parameter p, int from, int to);
}
