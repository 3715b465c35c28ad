package org.admm4j.datasets;

/**
 * Labelled samples of one fixed shape {@code [C, H, W]}, read one at a time as floats. Pixel data
 * stored as unsigned bytes comes out scaled to [0, 1] ({@code p / 255f}); float32 data comes out as
 * stored. Normalisation is a separate step ({@link ChannelNormalization}).
 */
public interface Dataset {
  /** Dataset name, e.g. "mnist", "cifar10", "npy". */
  String name();

  /** Number of samples. */
  int size();

  /** {@code [C, H, W]} of every sample; a fresh copy. */
  int[] sampleShape();

  /** Floats per sample: C·H·W. */
  default int sampleSize() {
    int[] s = sampleShape();
    return s[0] * s[1] * s[2];
  }

  /** Number of classes: every label is in {@code [0, classes())}. */
  int classes();

  /** The label of sample {@code i}. */
  int label(int i);

  /**
   * Writes sample {@code i} into {@code dst[offset .. offset + sampleSize())}, channel by channel,
   * each channel row-major (CHW).
   */
  void copySample(int i, float[] dst, int offset);
}
