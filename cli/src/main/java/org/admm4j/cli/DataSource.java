package org.admm4j.cli;

import java.nio.file.Path;
import org.admm4j.admm.pipeline.RunListener;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.datasets.DatasetException;
import org.admm4j.datasets.DatasetResolver;
import org.admm4j.datasets.DatasetSplits;
import org.admm4j.datasets.SyntheticDataset;

/**
 * Loads a dataset by name for the commands: {@code mnist} and {@code fashion-mnist} through
 * {@link DatasetResolver}; {@code synthetic} (undocumented, for tests and smoke runs) generates
 * 28×28 images of 10 classes.
 */
final class DataSource {

  /** Images of the synthetic training and test splits. */
  static final int SYNTHETIC_TRAIN = 2048;
  static final int SYNTHETIC_TEST = 512;

  private DataSource() {}

  static TrainingData load(String name, Path dataDir, int trainLimit, int testLimit, RunListener log)
      throws DatasetException {
    DatasetSplits splits;
    if (name.equals("synthetic")) {
      splits = SyntheticDataset.generate(SYNTHETIC_TRAIN, SYNTHETIC_TEST, 28, 28, 10, 7);
    } else {
      splits = DatasetResolver.resolve(name, dataDir, log::line);
    }
    return TrainingData.of(splits, trainLimit, testLimit);
  }
}
