package org.admm4j.datasets;

/**
 * Mean and standard deviation of pixel intensities scaled to [0, 1], used as
 * {@code (p/255 − mean)/std}.
 */
public record Normalization(float mean, float std) {
  /** MNIST training set: mean 0.1307, std 0.3081 (the usual constants; checked against the file in tests). */
  public static final Normalization MNIST = new Normalization(0.1307f, 0.3081f);
  /** Fashion-MNIST training set: mean 0.2860, std 0.3530. */
  public static final Normalization FASHION_MNIST = new Normalization(0.2860f, 0.3530f);

  public Normalization {
    if (!Float.isFinite(mean) || !(std > 0) || !Float.isFinite(std)) {
      throw new IllegalArgumentException("mean must be finite and std positive, got mean=" + mean
          + " std=" + std);
    }
  }

  /** The standard constants for a known dataset name, else statistics computed from {@code train}. */
  public static Normalization forDataset(ImageDataset train) {
    switch (train.name()) {
      case "mnist": return MNIST;
      case "fashion-mnist": return FASHION_MNIST;
      default: return of(train);
    }
  }

  /** Mean and (population) standard deviation of all pixels of {@code data}, scaled to [0, 1]. */
  public static Normalization of(ImageDataset data) {
    long[] histogram = new long[256];
    for (byte b : data.pixels()) {
      histogram[b & 0xff]++;
    }
    double n = data.pixels().length;
    if (n == 0) {
      return new Normalization(0f, 1f);
    }
    double sum = 0;
    double sumSq = 0;
    for (int p = 0; p < 256; p++) {
      double v = p / 255.0;
      sum += histogram[p] * v;
      sumSq += histogram[p] * v * v;
    }
    double mean = sum / n;
    double std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
    return new Normalization((float) mean, std > 0 ? (float) std : 1f);
  }
}
