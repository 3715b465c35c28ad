package org.admm4j.datasets;

import java.util.Arrays;
import java.util.Objects;

/**
 * Grey-scale images with one class label each, as the IDX files store them.
 *
 * @param name dataset name, e.g. "mnist" (subsets keep it)
 * @param count number of images
 * @param rows image height
 * @param cols image width
 * @param pixels count×rows×cols unsigned bytes, row-major, image after image
 * @param labels one unsigned byte per image
 */
public record ImageDataset(String name, int count, int rows, int cols, byte[] pixels, byte[] labels) {
  /** Classes of MNIST and Fashion-MNIST; {@link #classes()} never reports fewer for them. */
  public static final int MNIST_CLASSES = 10;

  public ImageDataset {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pixels, "pixels");
    Objects.requireNonNull(labels, "labels");
    if (count < 0 || rows < 0 || cols < 0) {
      throw new IllegalArgumentException("negative shape: count=" + count + " rows=" + rows
          + " cols=" + cols);
    }
    if ((long) count * rows * cols != pixels.length) {
      throw new IllegalArgumentException(name + ": pixels: expected " + count + "x" + rows + "x"
          + cols + " = " + (long) count * rows * cols + " bytes, found " + pixels.length);
    }
    if (labels.length != count) {
      throw new IllegalArgumentException(name + ": labels: expected " + count + ", found "
          + labels.length);
    }
  }

  /**
   * Pairs an images file (rank 3: count, rows, cols) with a labels file (rank 1: count).
   *
   * @throws DatasetException naming both files when ranks or counts do not agree
   */
  public static ImageDataset fromIdx(String name, IdxFile images, IdxFile labels)
      throws DatasetException {
    if (images.rank() != 3) {
      throw new DatasetException(images.file() + ": rank: expected 3 (count, rows, cols) for an "
          + "images file, found " + images.rank() + " " + Arrays.toString(images.dimensions()));
    }
    if (labels.rank() != 1) {
      throw new DatasetException(labels.file() + ": rank: expected 1 (count) for a labels file, "
          + "found " + labels.rank() + " " + Arrays.toString(labels.dimensions()));
    }
    if (images.count() != labels.count()) {
      throw new DatasetException("count: " + images.file() + " has " + images.count()
          + " images but " + labels.file() + " has " + labels.count()
          + " labels; expected the same number");
    }
    return new ImageDataset(name, images.count(), images.dimension(1), images.dimension(2),
        images.data(), labels.data());
  }

  /** Pixels per image: rows·cols. */
  public int imageSize() {
    return rows * cols;
  }

  /** The label of image {@code i}, 0..255. */
  public int label(int i) {
    return labels[i] & 0xff;
  }

  /** Largest label + 1; at least {@value #MNIST_CLASSES} for MNIST and Fashion-MNIST. */
  public int classes() {
    int max = -1;
    for (byte b : labels) {
      max = Math.max(max, b & 0xff);
    }
    boolean mnistLike = name.equals("mnist") || name.equals("fashion-mnist");
    return mnistLike ? Math.max(max + 1, MNIST_CLASSES) : max + 1;
  }

  /** Number of images per label, indexed by label (length {@link #classes()}). */
  public int[] labelHistogram() {
    int[] h = new int[classes()];
    for (byte b : labels) {
      h[b & 0xff]++;
    }
    return h;
  }

  /** {@code (p/255 − mean)/std} for every pixel: count×rows×cols floats in the same order. */
  public float[] normalizedPixels(float mean, float std) {
    if (!(std > 0) || !Float.isFinite(mean) || !Float.isFinite(std)) {
      throw new IllegalArgumentException("normalization needs a finite mean and a positive std, "
          + "got mean=" + mean + " std=" + std);
    }
    // 256 possible inputs: a table makes the loop one load per pixel and gives the exact same float
    // for the same byte everywhere.
    float[] table = new float[256];
    for (int p = 0; p < 256; p++) {
      table[p] = (p / 255f - mean) / std;
    }
    float[] out = new float[pixels.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = table[pixels[i] & 0xff];
    }
    return out;
  }

  /** {@link #normalizedPixels(float, float)} with the given statistics. */
  public float[] normalizedPixels(Normalization n) {
    return normalizedPixels(n.mean(), n.std());
  }

  /**
   * This dataset as a one-channel {@link Dataset} with {@link #classes()} classes (at least 1);
   * the pixel array is shared, not copied.
   */
  public InMemoryDataset asDataset() {
    return asDataset(Math.max(1, classes()));
  }

  /**
   * This dataset as a one-channel {@link Dataset} of {@code classes} classes (e.g. the larger count
   * of a train/test pair); the pixel array is shared, not copied.
   *
   * @throws IllegalArgumentException when a label is not below {@code classes}
   */
  public InMemoryDataset asDataset(int classes) {
    int[] ints = new int[count];
    for (int i = 0; i < count; i++) {
      ints[i] = labels[i] & 0xff;
    }
    return InMemoryDataset.ofBytes(name, new int[] {1, rows, cols}, classes, pixels, ints);
  }

  /** Images {@code from} (inclusive) to {@code to} (exclusive), copied. */
  public ImageDataset subset(int from, int to) {
    Objects.checkFromToIndex(from, to, count);
    int size = imageSize();
    return new ImageDataset(name, to - from, rows, cols,
        Arrays.copyOfRange(pixels, from * size, to * size),
        Arrays.copyOfRange(labels, from, to));
  }

  @Override
  public String toString() {
    return "ImageDataset[" + name + ", " + count + " x " + rows + "x" + cols + "]";
  }
}
