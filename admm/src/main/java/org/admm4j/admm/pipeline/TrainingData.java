package org.admm4j.admm.pipeline;

import org.admm4j.datasets.DatasetSplits;
import org.admm4j.datasets.ImageDataset;
import org.admm4j.datasets.Normalization;

/**
 * A dataset ready for training: normalised pixels ({@code count × rows·cols} floats) and labels of the
 * training and test splits. {@code blankPixel} is the normalised value of a 0 pixel (what augmentation
 * fills uncovered borders with).
 */
public record TrainingData(String name, int rows, int cols, float[] trainImages, byte[] trainLabels,
    int trainCount, float[] testImages, byte[] testLabels, int testCount, float blankPixel) {

  /**
   * Normalises {@code splits} with the dataset's usual constants (statistics of the training split for
   * other data), keeping the first {@code trainLimit} / {@code testLimit} images (≤ 0: all).
   */
  public static TrainingData of(DatasetSplits splits, int trainLimit, int testLimit) {
    ImageDataset train = limit(splits.train(), trainLimit);
    ImageDataset test = limit(splits.test(), testLimit);
    Normalization n = Normalization.forDataset(splits.train());
    return new TrainingData(train.name(), train.rows(), train.cols(), train.normalizedPixels(n.mean(), n.std()),
        train.labels(), train.count(), test.normalizedPixels(n.mean(), n.std()), test.labels(), test.count(),
        -n.mean() / n.std());
  }

  private static ImageDataset limit(ImageDataset d, int limit) {
    return limit > 0 && limit < d.count() ? d.subset(0, limit) : d;
  }
}
