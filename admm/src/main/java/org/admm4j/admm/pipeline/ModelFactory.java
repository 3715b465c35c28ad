package org.admm4j.admm.pipeline;

import org.admm4j.nn.Model;

/**
 * Creates the network a plan names, freshly initialised from {@code seed}. A run calls it for the model it
 * prunes and, with distillation, once more for the teacher (whose weights it then loads).
 */
@FunctionalInterface
public interface ModelFactory {

  /** @throws IllegalArgumentException if {@code name} is not a model this factory knows */
  Model create(String name, long seed);
}
