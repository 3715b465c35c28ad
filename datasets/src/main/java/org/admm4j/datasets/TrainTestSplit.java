package org.admm4j.datasets;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The training and test halves of one dataset, with the normalisation to apply to both (computed on
 * the training half, or the usual constants of a known dataset).
 *
 * <p>Invariants: both halves have the same sample shape and the same {@link Dataset#classes()} (the
 * number of outputs a model needs); the normalisation has one entry per channel; the class names
 * are either empty (the data does not name its classes) or one per class.
 *
 * @param train the training samples
 * @param test the test samples
 * @param normalization per-channel mean and std
 * @param classNames class names by label, or empty
 */
public record TrainTestSplit(Dataset train, Dataset test, ChannelNormalization normalization,
    List<String> classNames) {

  public TrainTestSplit {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(normalization, "normalization");
    classNames = List.copyOf(classNames);
    int[] shape = train.sampleShape();
    if (!Arrays.equals(shape, test.sampleShape())) {
      throw new IllegalArgumentException("train samples are " + Arrays.toString(shape)
          + " but test samples are " + Arrays.toString(test.sampleShape()));
    }
    if (train.classes() != test.classes()) {
      throw new IllegalArgumentException("train has " + train.classes() + " classes but test has "
          + test.classes() + "; expected the same");
    }
    if (normalization.channels() != shape[0]) {
      throw new IllegalArgumentException("normalization has " + normalization.channels()
          + " channels but samples have " + shape[0]);
    }
    if (!classNames.isEmpty() && classNames.size() != train.classes()) {
      throw new IllegalArgumentException("class names: expected " + train.classes()
          + " (one per class) or none, found " + classNames.size());
    }
  }

  /** A split whose data does not name its classes. */
  public TrainTestSplit(Dataset train, Dataset test, ChannelNormalization normalization) {
    this(train, test, normalization, List.of());
  }

  /**
   * The IDX form as {@link Dataset}s: both halves get the larger class count of the two, and the
   * normalisation is {@link ChannelNormalization#forDataset} of the training half (so MNIST and
   * Fashion-MNIST use the same constants as {@link Normalization#forDataset}).
   */
  public static TrainTestSplit of(DatasetSplits splits) {
    int classes = Math.max(1, Math.max(splits.train().classes(), splits.test().classes()));
    Dataset train = splits.train().asDataset(classes);
    return new TrainTestSplit(train, splits.test().asDataset(classes),
        ChannelNormalization.forDataset(train));
  }
}
