package org.admm4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticDatasetTest {
  @Test
  void sameSeedSameBytesOtherSeedOtherBytes() {
    DatasetSplits a = SyntheticDataset.generate(200, 50, 12, 10, 10, 99);
    DatasetSplits b = SyntheticDataset.generate(200, 50, 12, 10, 10, 99);
    DatasetSplits c = SyntheticDataset.generate(200, 50, 12, 10, 10, 100);
    assertArrayEquals(a.train().pixels(), b.train().pixels());
    assertArrayEquals(a.train().labels(), b.train().labels());
    assertArrayEquals(a.test().pixels(), b.test().pixels());
    assertFalse(Arrays.equals(a.train().pixels(), c.train().pixels()));
    assertFalse(Arrays.equals(a.train().pixels(), a.test().pixels()));
  }

  @Test
  void hasTheRequestedShapeAndUsesEveryClass() {
    DatasetSplits s = SyntheticDataset.generate(300, 40, 28, 28, 10, 1);
    assertEquals(300, s.train().count());
    assertEquals(40, s.test().count());
    assertEquals(28, s.train().rows());
    assertEquals(28 * 28 * 300, s.train().pixels().length);
    assertEquals(10, s.train().classes());
    for (int c : s.train().labelHistogram()) {
      assertTrue(c > 10, Arrays.toString(s.train().labelHistogram()));
    }
  }

  @Test
  void isLearnable() {
    // A nearest-class-mean classifier fitted on train must do far better than chance on test.
    int classes = 10;
    DatasetSplits s = SyntheticDataset.generate(500, 500, 8, 8, classes, 3);
    int size = s.train().imageSize();
    double[][] means = new double[classes][size];
    int[] counts = s.train().labelHistogram();
    for (int i = 0; i < s.train().count(); i++) {
      for (int p = 0; p < size; p++) {
        means[s.train().label(i)][p] += (s.train().pixels()[i * size + p] & 0xff)
            / (double) counts[s.train().label(i)];
      }
    }
    int correct = 0;
    for (int i = 0; i < s.test().count(); i++) {
      int best = -1;
      double bestDistance = Double.MAX_VALUE;
      for (int c = 0; c < classes; c++) {
        double d = 0;
        for (int p = 0; p < size; p++) {
          double diff = (s.test().pixels()[i * size + p] & 0xff) - means[c][p];
          d += diff * diff;
        }
        if (d < bestDistance) {
          bestDistance = d;
          best = c;
        }
      }
      correct += best == s.test().label(i) ? 1 : 0;
    }
    assertTrue(correct >= 480, "nearest mean got " + correct + "/500");
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> SyntheticDataset.generate(-1, 0, 2, 2, 2, 0));
    assertThrows(IllegalArgumentException.class, () -> SyntheticDataset.generate(1, 1, 0, 2, 2, 0));
    assertThrows(IllegalArgumentException.class, () -> SyntheticDataset.generate(1, 1, 2, 2, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> SyntheticDataset.generate(1, 1, 2, 2, 257, 0));
  }
}
