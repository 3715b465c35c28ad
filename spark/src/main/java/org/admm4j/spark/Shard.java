package org.admm4j.spark;

import java.io.Serializable;
import java.util.Arrays;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.nn.InputNormalization;

/**
 * One partition's training samples: the contiguous block {@code [k·n/P, (k+1)·n/P)} of the normalised
 * training set (one partition: all of it, in the file's order, as a local run sees it).
 */
public final class Shard implements Serializable {

  private static final long serialVersionUID = 1L;

  private final int partition;
  private final String name;
  private final int[] shape;
  private final int classes;
  private final float[] images;
  private final byte[] labels;
  private final int count;
  private final float[] mean;
  private final float[] std;

  private Shard(int partition, String name, int[] shape, int classes, float[] images, byte[] labels, int count,
      float[] mean, float[] std) {
    this.partition = partition;
    this.name = name;
    this.shape = shape;
    this.classes = classes;
    this.images = images;
    this.labels = labels;
    this.count = count;
    this.mean = mean;
    this.std = std;
  }

  /** Partition {@code k}'s block of {@code data}'s training samples, of {@code partitions}. */
  public static Shard of(TrainingData data, int k, int partitions) {
    int n = data.trainCount();
    int from = (int) ((long) k * n / partitions);
    int to = (int) ((long) (k + 1) * n / partitions);
    int size = data.sampleSize();
    float[] images = from == 0 && to == n ? data.trainImages()
        : Arrays.copyOfRange(data.trainImages(), from * size, to * size);
    byte[] labels = Arrays.copyOfRange(data.trainLabels(), from, to);
    return new Shard(k, data.name(), data.shape(), data.classes(), images, labels, to - from,
        data.normalization().mean(), data.normalization().std());
  }

  public int partition() {
    return partition;
  }

  public int count() {
    return count;
  }

  /** The shard as training data (no test samples: the driver evaluates). */
  public TrainingData data() {
    return new TrainingData(name, shape, classes, images, labels, count, new float[0], new byte[0], 0,
        new InputNormalization(mean, std));
  }
}
