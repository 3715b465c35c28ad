package org.admm4j.spark;

import java.io.Serializable;
import org.admm4j.admm.pipeline.ModelFactory;
import org.admm4j.nn.Models;

/** A {@link ModelFactory} the tasks receive with their settings: every executor builds the network itself. */
@FunctionalInterface
public interface SparkModelFactory extends ModelFactory, Serializable {

  /** The networks {@link Models} knows by name. */
  static SparkModelFactory builtIn() {
    return Models::create;
  }
}
