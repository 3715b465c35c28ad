package org.admm4j.datasets;

import java.util.SplittableRandom;

/**
 * A small learnable stand-in for MNIST in tests: each class has a fixed random prototype image, and
 * every sample is its class's prototype plus Gaussian pixel noise, so a small network separates the
 * classes within an epoch or two. The same arguments give the same bytes.
 */
public final class SyntheticDataset {
  /** Standard deviation of the per-pixel noise, in pixel units (0..255). */
  static final double NOISE_STD = 40.0;

  private SyntheticDataset() {}

  /**
   * Generates train and test splits named "synthetic" from the same class prototypes.
   *
   * @throws IllegalArgumentException for negative counts, empty images or classes outside 1..256
   */
  public static DatasetSplits generate(int trainCount, int testCount, int rows, int cols,
      int classes, long seed) {
    if (trainCount < 0 || testCount < 0) {
      throw new IllegalArgumentException("counts must be non-negative, got train=" + trainCount
          + " test=" + testCount);
    }
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException("image size must be at least 1x1, got " + rows + "x"
          + cols);
    }
    if (classes < 1 || classes > 256) {
      throw new IllegalArgumentException("classes must be 1..256 (labels are bytes), got "
          + classes);
    }
    int size = rows * cols;
    SplittableRandom root = new SplittableRandom(seed);
    // Prototypes: mostly dark pixels with bright strokes, like digits; about a third of pixels lit.
    byte[][] prototypes = new byte[classes][size];
    for (byte[] prototype : prototypes) {
      for (int p = 0; p < size; p++) {
        prototype[p] = (byte) (root.nextInt(3) == 0 ? 160 + root.nextInt(96) : root.nextInt(32));
      }
    }
    ImageDataset train = samples(prototypes, trainCount, rows, cols, root.split());
    ImageDataset test = samples(prototypes, testCount, rows, cols, root.split());
    return new DatasetSplits(train, test);
  }

  private static ImageDataset samples(byte[][] prototypes, int count, int rows, int cols,
      SplittableRandom random) {
    int size = rows * cols;
    byte[] pixels = new byte[count * size];
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      int label = random.nextInt(prototypes.length);
      labels[i] = (byte) label;
      byte[] prototype = prototypes[label];
      for (int p = 0; p < size; p++) {
        double v = (prototype[p] & 0xff) + NOISE_STD * gaussian(random);
        pixels[i * size + p] = (byte) Math.max(0, Math.min(255, Math.round(v)));
      }
    }
    return new ImageDataset("synthetic", count, rows, cols, pixels, labels);
  }

  // Box–Muller on our own stream: java.util.Random's nextGaussian is not on SplittableRandom in 17.
  private static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
