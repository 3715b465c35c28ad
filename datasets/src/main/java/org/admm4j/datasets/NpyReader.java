package org.admm4j.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a dataset saved with NumPy: {@code DIR/train-images.npy}, {@code train-labels.npy},
 * {@code test-images.npy}, {@code test-labels.npy}.
 *
 * <p>Images are {@code |u1} (kept as bytes, scaled by 1/255 when read) or float32 (as stored),
 * shape {@code (N, H, W)} (one channel) or {@code (N, C, H, W)}, C order. Labels are any integer
 * dtype of shape {@code (N,)}, in {@code [0, MAX_CLASSES)}. The class count is the largest label of
 * both splits + 1. The normalisation is computed on the training images.
 */
public final class NpyReader {
  /** The four file names, in the order train images, train labels, test images, test labels. */
  public static final String TRAIN_IMAGES = "train-images.npy";
  public static final String TRAIN_LABELS = "train-labels.npy";
  public static final String TEST_IMAGES = "test-images.npy";
  public static final String TEST_LABELS = "test-labels.npy";
  /** Largest class count accepted; a larger label is taken for a wrong file, not a real class. */
  public static final int MAX_CLASSES = 1 << 16;

  private NpyReader() {}

  /**
   * Reads the four files of {@code dir} as a dataset named "npy".
   *
   * @throws DatasetException naming the file and the problem, expected and found
   */
  public static TrainTestSplit read(Path dir) throws DatasetException {
    if (!Files.isDirectory(dir)) {
      throw new DatasetException(dir + ": not a directory (npy:DIR expects " + TRAIN_IMAGES + ", "
          + TRAIN_LABELS + ", " + TEST_IMAGES + ", " + TEST_LABELS + " in DIR)");
    }
    NpyFile trainImages = open(dir, TRAIN_IMAGES);
    NpyFile trainLabels = open(dir, TRAIN_LABELS);
    NpyFile testImages = open(dir, TEST_IMAGES);
    NpyFile testLabels = open(dir, TEST_LABELS);
    int[] shape = sampleShape(trainImages);
    int[] testShape = sampleShape(testImages);
    if (!Arrays.equals(shape, testShape)) {
      throw new DatasetException("sample shape: " + trainImages.file() + " has samples of [C, H, W] = "
          + Arrays.toString(shape) + " but " + testImages.file() + " has "
          + Arrays.toString(testShape) + "; expected the same");
    }
    checkLabelsFile(trainLabels, trainImages);
    checkLabelsFile(testLabels, testImages);
    // Labels first: they are small, and a bad one should be reported before reading the images.
    int[] train = trainLabels.readInts();
    int[] test = testLabels.readInts();
    int max = Math.max(checkRange(trainLabels, train), checkRange(testLabels, test));
    int classes = Math.max(1, max + 1);
    Dataset trainSet = images("npy", trainImages, shape, classes, train);
    Dataset testSet = images("npy", testImages, shape, classes, test);
    return new TrainTestSplit(trainSet, testSet, ChannelNormalization.of(trainSet));
  }

  private static NpyFile open(Path dir, String name) throws DatasetException {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(file + ": file not found (npy:DIR expects " + TRAIN_IMAGES + ", "
          + TRAIN_LABELS + ", " + TEST_IMAGES + ", " + TEST_LABELS + ")");
    }
    return NpyFile.open(file);
  }

  /** {@code [C, H, W]} of an images file, after checking its dtype and rank. */
  private static int[] sampleShape(NpyFile images) throws DatasetException {
    if (!images.isUint8() && !images.isFloat32()) {
      throw new DatasetException(images.file() + ": dtype: expected '|u1' (uint8) or '<f4' "
          + "(float32) for images, found '" + images.dtype() + "'");
    }
    long[] s = images.shape();
    if (s.length != 3 && s.length != 4) {
      throw new DatasetException(images.file() + ": rank: expected 3 (N, H, W) or 4 (N, C, H, W) for "
          + "images, found " + s.length + " " + NpyFile.shapeText(s));
    }
    long sampleSize = 1;
    for (int k = 1; k < s.length; k++) {
      if (s[k] < 1 || s[k] > NpyFile.MAX_ELEMENTS) {
        throw new DatasetException(images.file() + ": shape: expected every sample dimension in 1.."
            + NpyFile.MAX_ELEMENTS + ", found " + NpyFile.shapeText(s));
      }
      sampleSize *= s[k];
      if (sampleSize > NpyFile.MAX_ELEMENTS) {
        // Only possible with N = 0; a sample this large could never be read anyway.
        throw new DatasetException(images.file() + ": shape: expected a sample of at most "
            + NpyFile.MAX_ELEMENTS + " values, found " + NpyFile.shapeText(s));
      }
    }
    return s.length == 3 ? new int[] {1, (int) s[1], (int) s[2]}
        : new int[] {(int) s[1], (int) s[2], (int) s[3]};
  }

  private static void checkLabelsFile(NpyFile labels, NpyFile images) throws DatasetException {
    if (!labels.isInteger()) {
      throw new DatasetException(labels.file() + ": dtype: expected an integer type for labels "
          + "(|u1, |i1, <i2, <u2, <i4, <u4, <i8, <u8), found '" + labels.dtype() + "'");
    }
    if (labels.rank() != 1) {
      throw new DatasetException(labels.file() + ": rank: expected 1 (N,) for labels, found "
          + labels.rank() + " " + NpyFile.shapeText(labels.shape()));
    }
    long n = images.shape()[0];
    if (labels.shape()[0] != n) {
      throw new DatasetException("count: " + images.file() + " has " + n + " images but "
          + labels.file() + " has " + labels.shape()[0] + " labels; expected the same number");
    }
  }

  /** The largest label, after checking each is in [0, MAX_CLASSES); -1 when there are none. */
  private static int checkRange(NpyFile file, int[] labels) throws DatasetException {
    int max = -1;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= MAX_CLASSES) {
        throw new DatasetException(file.file() + ": label " + i + ": expected 0.."
            + (MAX_CLASSES - 1) + ", found " + labels[i]);
      }
      max = Math.max(max, labels[i]);
    }
    return max;
  }

  private static Dataset images(String name, NpyFile file, int[] shape, int classes, int[] labels)
      throws DatasetException {
    return file.isUint8()
        ? InMemoryDataset.ofBytes(name, shape, classes, file.readUint8(), labels)
        : InMemoryDataset.ofFloats(name, shape, classes, file.readFloat32(), labels);
  }
}
