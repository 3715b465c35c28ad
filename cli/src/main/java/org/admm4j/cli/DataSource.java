package org.admm4j.cli;

import java.nio.file.Path;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.admm.pipeline.RunListener;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.datasets.DatasetException;
import org.admm4j.datasets.DatasetLocator;
import org.admm4j.nn.InputNormalization;

/**
 * Loads what {@code --dataset} names for the commands (see {@link DatasetLocator}): {@code mnist},
 * {@code fashion-mnist}, {@code npy:DIR}, {@code cifar10:DIR}, {@code folder:DIR}; {@code synthetic}
 * (undocumented, for tests and smoke runs) generates 28×28 images of 10 classes.
 */
final class DataSource {

  private DataSource() {}

  static TrainingData load(String ref, Path dataDir, int trainLimit, int testLimit, RunListener log)
      throws DatasetException, RunException {
    return load(ref, dataDir, trainLimit, testLimit, null, log);
  }

  /** As above, normalised with {@code normalization} (a model's recorded one) instead of the data's own. */
  static TrainingData load(String ref, Path dataDir, int trainLimit, int testLimit, InputNormalization normalization,
      RunListener log) throws DatasetException, RunException {
    try {
      return TrainingData.of(DatasetLocator.load(ref, dataDir, log::line), trainLimit, testLimit, normalization);
    } catch (IllegalArgumentException e) {
      throw new RunException("--dataset " + ref + ": " + e.getMessage());
    }
  }
}
