package org.admm4j.datasets;

import static org.admm4j.datasets.InMemoryDatasetTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrainTestSplitTest {

  @Test
  void adaptsIdxSplitsWithOneClassCount() {
    // Test labels may reach a class the (small) train set lacks: both get the larger count.
    DatasetSplits s = SyntheticDataset.generate(3, 40, 4, 5, 7, 8);
    TrainTestSplit split = TrainTestSplit.of(s);
    int expected = Math.max(s.train().classes(), s.test().classes());
    assertEquals(expected, split.train().classes());
    assertEquals(expected, split.test().classes());
    assertEquals(ChannelNormalization.of(split.train()), split.normalization());
  }

  @Test
  void trainTestSplitChecksItsInvariants() {
    Dataset a = InMemoryDataset.ofBytes("a", new int[] {1, 2, 2}, 3, new byte[4], new int[] {0});
    Dataset wide = InMemoryDataset.ofBytes("w", new int[] {1, 2, 3}, 3, new byte[6], new int[] {0});
    Dataset fewer = InMemoryDataset.ofBytes("f", new int[] {1, 2, 2}, 2, new byte[4], new int[] {0});
    ChannelNormalization n = ChannelNormalization.MNIST;
    assertEquals(List.of(), new TrainTestSplit(a, a, n).classNames());
    assertEquals(List.of("x", "y", "z"), new TrainTestSplit(a, a, n, List.of("x", "y", "z"))
        .classNames());
    assertMessage(() -> new TrainTestSplit(a, wide, n), "[1, 2, 2]", "[1, 2, 3]");
    assertMessage(() -> new TrainTestSplit(a, fewer, n), "3 classes", "test has 2");
    assertMessage(() -> new TrainTestSplit(a, a, new ChannelNormalization(new float[2],
        new float[] {1, 1})), "2 channels");
    assertMessage(() -> new TrainTestSplit(a, a, n, List.of("x")), "class names", "found 1");
  }

}
