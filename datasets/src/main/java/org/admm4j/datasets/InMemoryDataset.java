package org.admm4j.datasets;

import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link Dataset} held in one array: unsigned bytes (kept as bytes, a quarter of the memory of
 * floats) or float32 values, sample after sample in CHW order. The arrays given to the factories
 * are held, not copied (datasets are large): callers must not change them afterwards.
 */
public final class InMemoryDataset implements Dataset {
  private final String name;
  private final int[] shape;
  private final int sampleSize;
  private final int classes;
  private final byte[] bytes;
  private final float[] floats;
  private final int[] labels;

  private InMemoryDataset(String name, int[] shape, int classes, byte[] bytes, float[] floats,
      int[] labels) {
    this.name = Objects.requireNonNull(name, "name");
    this.shape = checkShape(name, shape);
    this.sampleSize = shape[0] * shape[1] * shape[2];
    this.classes = classes;
    this.bytes = bytes;
    this.floats = floats;
    this.labels = Objects.requireNonNull(labels, "labels");
    long values = bytes != null ? bytes.length : floats.length;
    if ((long) labels.length * sampleSize != values) {
      throw new IllegalArgumentException(name + ": values: expected " + labels.length
          + " samples x " + shapeText(shape) + " = " + (long) labels.length * sampleSize
          + " values (one sample per label), found " + values);
    }
    if (classes < 1) {
      throw new IllegalArgumentException(name + ": classes: expected at least 1, found " + classes);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(name + ": label of sample " + i + ": expected 0.."
            + (classes - 1) + " (" + classes + " classes), found " + labels[i]);
      }
    }
  }

  /**
   * Unsigned 8-bit pixels; {@link #copySample} scales them by {@code 1/255f}.
   *
   * @param shape {@code [C, H, W]}, each at least 1
   * @param pixels size·C·H·W bytes, CHW per sample
   * @param labels one per sample, in {@code [0, classes)}
   * @throws IllegalArgumentException naming the dataset, expected and found, for a bad shape,
   *     length or label
   */
  public static InMemoryDataset ofBytes(String name, int[] shape, int classes, byte[] pixels,
      int[] labels) {
    return new InMemoryDataset(name, shape, classes, Objects.requireNonNull(pixels, "pixels"),
        null, labels);
  }

  /** Float32 values, returned as stored; otherwise as {@link #ofBytes}. */
  public static InMemoryDataset ofFloats(String name, int[] shape, int classes, float[] values,
      int[] labels) {
    return new InMemoryDataset(name, shape, classes, null, Objects.requireNonNull(values, "values"),
        labels);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public int[] sampleShape() {
    return shape.clone();
  }

  @Override
  public int sampleSize() {
    return sampleSize;
  }

  @Override
  public int classes() {
    return classes;
  }

  @Override
  public int label(int i) {
    return labels[i];
  }

  @Override
  public void copySample(int i, float[] dst, int offset) {
    Objects.checkIndex(i, labels.length);
    Objects.checkFromIndexSize(offset, sampleSize, dst.length);
    int from = i * sampleSize;
    if (floats != null) {
      System.arraycopy(floats, from, dst, offset, sampleSize);
    } else {
      for (int k = 0; k < sampleSize; k++) {
        dst[offset + k] = (bytes[from + k] & 0xff) / 255f;
      }
    }
  }

  /** True when the values are unsigned bytes ({@link #ofBytes}). */
  public boolean isUint8() {
    return bytes != null;
  }

  /** The pixel array itself when {@link #isUint8()} (not a copy; do not modify), else null. */
  byte[] bytes() {
    return bytes;
  }

  /** The value array itself when not {@link #isUint8()} (not a copy; do not modify), else null. */
  float[] floats() {
    return floats;
  }

  @Override
  public String toString() {
    return "InMemoryDataset[" + name + ", " + size() + " x " + shapeText(shape) + ", " + classes
        + " classes, " + (bytes != null ? "uint8" : "float32") + "]";
  }

  static String shapeText(int[] shape) {
    StringBuilder s = new StringBuilder();
    for (int k = 0; k < shape.length; k++) {
      s.append(k == 0 ? "" : "x").append(shape[k]);
    }
    return s.toString();
  }

  private static int[] checkShape(String name, int[] shape) {
    Objects.requireNonNull(shape, "shape");
    if (shape.length != 3 || shape[0] < 1 || shape[1] < 1 || shape[2] < 1
        || (long) shape[0] * shape[1] * shape[2] > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + ": sample shape: expected [C, H, W], each at least 1,"
          + " found " + Arrays.toString(shape));
    }
    return shape.clone();
  }
}
