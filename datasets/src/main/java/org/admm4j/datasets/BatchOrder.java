package org.admm4j.datasets;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Seeded sample orders and batch gathering. An epoch's order is a function of (seed, epoch) only, so
 * a run can be resumed at any epoch and gives the same batches.
 */
public final class BatchOrder {
  private BatchOrder() {}

  /** A permutation of 0..n-1, the same for the same (n, seed, epoch): Fisher–Yates on a SplittableRandom. */
  public static int[] shuffled(int n, long seed, int epoch) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be non-negative, got " + n);
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // Mix seed and epoch through a finaliser so that nearby (seed, epoch) pairs give unrelated streams.
    SplittableRandom random = new SplittableRandom(mix(mix(seed) + epoch));
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** 0..n-1 in order (for evaluation, or unshuffled training). */
  public static int[] sequential(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  /**
   * Copies the images and labels of {@code order[from..to)} into the batch buffers, so a training loop
   * reuses two buffers per epoch instead of copying the whole set into shuffled order.
   *
   * @param images count×imageSize normalized pixels. Not modified.
   * @param labels one per image. Not modified.
   * @param imageBatch receives (to−from)×imageSize floats from index 0. Modified.
   * @param labelBatch receives (to−from) labels from index 0. Modified.
   */
  public static void gather(float[] images, byte[] labels, int imageSize, int[] order, int from,
      int to, float[] imageBatch, byte[] labelBatch) {
    Objects.checkFromToIndex(from, to, order.length);
    int n = to - from;
    if ((long) n * imageSize > imageBatch.length || n > labelBatch.length) {
      throw new IllegalArgumentException("batch buffers hold " + imageBatch.length + " floats and "
          + labelBatch.length + " labels; need " + (long) n * imageSize + " and " + n);
    }
    for (int b = 0; b < n; b++) {
      int i = order[from + b];
      System.arraycopy(images, i * imageSize, imageBatch, b * imageSize, imageSize);
      labelBatch[b] = labels[i];
    }
  }

  private static long mix(long z) {
    // Stafford's variant 13 of the MurmurHash3 finaliser (as in SplittableRandom).
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
