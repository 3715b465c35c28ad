package org.admm4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchOrderTest {
  @Test
  void isAPermutationForAllSizes() {
    for (int n : new int[] {0, 1, 2, 3, 7, 64, 1000, 60000}) {
      int[] order = BatchOrder.shuffled(n, 42, 3);
      int[] sorted = order.clone();
      Arrays.sort(sorted);
      assertArrayEquals(BatchOrder.sequential(n), sorted, "n=" + n);
    }
  }

  @Test
  void isDeterministicAndDependsOnSeedAndEpoch() {
    int[] a = BatchOrder.shuffled(1000, 42, 0);
    assertArrayEquals(a, BatchOrder.shuffled(1000, 42, 0));
    assertFalse(Arrays.equals(a, BatchOrder.shuffled(1000, 42, 1)));
    assertFalse(Arrays.equals(a, BatchOrder.shuffled(1000, 43, 0)));
    assertFalse(Arrays.equals(a, BatchOrder.sequential(1000)));
    assertThrows(IllegalArgumentException.class, () -> BatchOrder.shuffled(-1, 0, 0));
  }

  @Test
  void shufflesUniformlyEnough() {
    // Where element 0 lands over many epochs: each of 8 positions should get about 1/8.
    int[] counts = new int[8];
    int trials = 8000;
    for (int e = 0; e < trials; e++) {
      int[] order = BatchOrder.shuffled(8, 5, e);
      for (int p = 0; p < 8; p++) {
        if (order[p] == 0) {
          counts[p]++;
        }
      }
    }
    for (int c : counts) {
      // Binomial(8000, 1/8): mean 1000, sd about 30; six sd is a safe bound for a fixed seed.
      assertEquals(1000, c, 180, Arrays.toString(counts));
    }
  }

  @Test
  void gathersABatchInOrder() {
    int imageSize = 3;
    float[] images = new float[5 * imageSize];
    for (int i = 0; i < images.length; i++) {
      images[i] = i;
    }
    byte[] labels = {10, 11, 12, 13, 14};
    int[] order = {4, 0, 3, 1, 2};
    float[] batch = new float[3 * imageSize + 1];
    Arrays.fill(batch, Float.NaN);
    byte[] batchLabels = new byte[3];
    BatchOrder.gather(images, labels, imageSize, order, 1, 4, batch, batchLabels);
    assertArrayEquals(new float[] {0, 1, 2, 9, 10, 11, 3, 4, 5, Float.NaN}, batch);
    assertArrayEquals(new byte[] {10, 13, 11}, batchLabels);
    assertThrows(IllegalArgumentException.class,
        () -> BatchOrder.gather(images, labels, imageSize, order, 0, 5, batch, new byte[5]));
    assertThrows(IndexOutOfBoundsException.class,
        () -> BatchOrder.gather(images, labels, imageSize, order, 3, 6, batch, batchLabels));
  }
}
