package org.admm4j.admm.pipeline;

import java.util.Arrays;
import org.admm4j.datasets.ChannelNormalization;
import org.admm4j.datasets.Dataset;
import org.admm4j.datasets.DatasetSplits;
import org.admm4j.datasets.TrainTestSplit;
import org.admm4j.nn.InputNormalization;

/**
 * A dataset ready for training: normalised samples ({@code count × C·H·W} floats) and labels of the
 * training and test splits, the per-sample shape, the class count and the normalisation applied (which
 * every model file written from this data records).
 *
 * @param shape per-sample shape, {@code [C, H, W]}
 * @param classes the labels are in {@code [0, classes)}
 */
public record TrainingData(String name, int[] shape, int classes, float[] trainImages, byte[] trainLabels,
    int trainCount, float[] testImages, byte[] testLabels, int testCount, InputNormalization normalization) {

  /** Labels are stored as unsigned bytes. */
  public static final int MAX_CLASSES = 256;

  public TrainingData {
    shape = shape.clone();
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** Floats per sample. */
  public int sampleSize() {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** The normalised value of a 0 pixel per channel: what augmentation fills uncovered borders with. */
  public float[] blankPixel() {
    float[] mean = normalization.mean(), std = normalization.std();
    float[] blank = new float[mean.length];
    for (int c = 0; c < blank.length; c++) {
      blank[c] = -mean[c] / std[c];
    }
    return blank;
  }

  /** {@link #of(TrainTestSplit, int, int, InputNormalization)} with the split's own normalisation. */
  public static TrainingData of(TrainTestSplit split, int trainLimit, int testLimit) {
    return of(split, trainLimit, testLimit, null);
  }

  /**
   * Normalises {@code split} with {@code normalization} (null: the split's, which is the dataset's usual
   * constants or its training set's statistics), keeping the first {@code trainLimit} / {@code testLimit}
   * samples (≤ 0: all).
   *
   * @throws IllegalArgumentException when there are more classes than labels can hold, or the
   *     normalisation's channels do not fit the samples
   */
  public static TrainingData of(TrainTestSplit split, int trainLimit, int testLimit, InputNormalization normalization) {
    Dataset train = split.train(), test = split.test();
    int classes = Math.max(train.classes(), test.classes());
    if (classes > MAX_CLASSES) {
      throw new IllegalArgumentException(train.name() + ": " + classes + " classes; at most " + MAX_CLASSES
          + " are supported");
    }
    ChannelNormalization n = normalization == null ? split.normalization()
        : new ChannelNormalization(normalization.mean(), normalization.std());
    int channels = train.sampleShape()[0];
    if (n.channels() != channels && n.channels() != 1) {
      throw new IllegalArgumentException(train.name() + ": the normalization has " + n.channels()
          + " channels but the images have " + channels);
    }
    if (n.channels() != channels) {
      float[] m = new float[channels], s = new float[channels];
      Arrays.fill(m, n.mean()[0]);
      Arrays.fill(s, n.std()[0]);
      n = new ChannelNormalization(m, s);
    }
    int trainCount = limit(train, trainLimit), testCount = limit(test, testLimit);
    return new TrainingData(train.name(), train.sampleShape(), classes, n.normalize(head(train, trainCount)),
        labels(train, trainCount), trainCount, n.normalize(head(test, testCount)), labels(test, testCount),
        testCount, new InputNormalization(n.mean(), n.std()));
  }

  /** {@link #of(TrainTestSplit, int, int)} of the IDX-era splits. */
  public static TrainingData of(DatasetSplits splits, int trainLimit, int testLimit) {
    return of(TrainTestSplit.of(splits), trainLimit, testLimit);
  }

  private static int limit(Dataset d, int limit) {
    return limit > 0 && limit < d.size() ? limit : d.size();
  }

  /** The first {@code count} samples of {@code d} (d itself when that is all of them). */
  private static Dataset head(Dataset d, int count) {
    if (count == d.size()) {
      return d;
    }
    return new Dataset() {
      @Override
      public String name() {
        return d.name();
      }

      @Override
      public int size() {
        return count;
      }

      @Override
      public int[] sampleShape() {
        return d.sampleShape();
      }

      @Override
      public int classes() {
        return d.classes();
      }

      @Override
      public int label(int i) {
        return d.label(i);
      }

      @Override
      public void copySample(int i, float[] dst, int offset) {
        d.copySample(i, dst, offset);
      }
    };
  }

  private static byte[] labels(Dataset d, int count) {
    byte[] out = new byte[count];
    for (int i = 0; i < count; i++) {
      out[i] = (byte) d.label(i);
    }
    return out;
  }
}
