package org.admm4j.spark;

import java.io.Serializable;
import org.admm4j.admm.pipeline.TrainingData;

/**
 * Where the executors read the data from: each partition loads it and keeps its own {@link Shard}, so the
 * samples never pass through the driver or a task's closure, and a lost cached shard is read again.
 */
@FunctionalInterface
public interface ShardSource extends Serializable {

  /** The whole dataset, normalised as the driver's copy is. */
  TrainingData load() throws Exception;
}
