package org.admm4j.datasets;

import static org.admm4j.datasets.Cifar10ReaderTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLocatorTest {
  @TempDir Path dir;

  private final TinyDataset tiny = new TinyDataset();

  /** A resolver whose "mnist" is the tiny dataset's files, with no fetchers. */
  private DatasetLocator locator() {
    DatasetSpec t = tiny.spec(List.of());
    DatasetSpec mnist = new DatasetSpec("mnist", t.trainImages(), t.trainLabels(), t.testImages(),
        t.testLabels(), List.of());
    return new DatasetLocator(new DatasetResolver(dir.resolve("cache"), null,
        Map.of("mnist", mnist)));
  }

  @Test
  void mnistGoesThroughTheResolverWithItsConstants() throws Exception {
    Path data = tiny.writeTo(dir.resolve("data"), true);
    List<String> log = new ArrayList<>();
    TrainTestSplit s = locator().open("mnist", data, log::add);
    assertEquals("mnist", s.train().name());
    assertEquals(TinyDataset.TRAIN, s.train().size());
    assertEquals(TinyDataset.TEST, s.test().size());
    assertArrayEquals(new int[] {1, TinyDataset.ROWS, TinyDataset.COLS}, s.train().sampleShape());
    assertEquals(10, s.train().classes());
    assertEquals(ChannelNormalization.MNIST, s.normalization());
    ChannelNormalizationTest.assertBitsEqual(tiny.splits.train().normalizedPixels(Normalization.MNIST),
        s.normalization().normalize(s.train()));
    assertEquals(1, log.size(), log.toString());
    DatasetException e = assertThrows(DatasetException.class,
        () -> locator().open("mnist", dir.resolve("empty"), null));
    assertContains(e, "--data", "not a directory");
  }

  @Test
  void syntheticIsTheCommandsDataset() throws Exception {
    TrainTestSplit s = locator().open("synthetic", null, null);
    DatasetSplits expected = SyntheticDataset.generate(2048, 512, 28, 28, 10, 7);
    assertEquals(2048, s.train().size());
    assertEquals(512, s.test().size());
    assertEquals(10, s.test().classes());
    assertEquals(expected.test().label(100), s.test().label(100));
    ChannelNormalizationTest.assertBitsEqual(
        expected.train().normalizedPixels(Normalization.of(expected.train())),
        s.normalization().normalize(s.train()));
  }

  @Test
  void readsTheFileForms() throws Exception {
    Path npy = dir.resolve("n");
    NpyBytes.write(npy.resolve("train-images.npy"), NpyBytes.uint8(new long[] {2, 2, 2}, new byte[8]));
    NpyBytes.write(npy.resolve("test-images.npy"), NpyBytes.uint8(new long[] {1, 2, 2}, new byte[4]));
    NpyBytes.write(npy.resolve("train-labels.npy"), NpyBytes.ints("<i8", new int[] {0, 4}));
    NpyBytes.write(npy.resolve("test-labels.npy"), NpyBytes.ints("<i8", new int[] {1}));
    List<String> log = new ArrayList<>();
    TrainTestSplit s = locator().open("npy:" + npy, null, log::add);
    assertEquals(5, s.train().classes());
    assertContains(new Exception(log.get(0)), "npy: 2 train and 1 test samples of 1x2x2, 5 classes");
    Path cifar = dir.resolve("c");
    Files.createDirectories(cifar);
    for (String f : List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
        "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin")) {
      Files.write(cifar.resolve(f), new byte[3073]);
    }
    assertEquals(5, locator().open("cifar10:" + cifar, null, null).train().size());
    DatasetException e = assertThrows(DatasetException.class,
        () -> locator().open("folder:" + dir.resolve("none"), null, null));
    assertContains(e, "none", "train", "not a directory");
  }

  @Test
  void unknownFormsListTheAcceptedOnes() {
    for (String ref : List.of("mnist2", "csv:/x", "", "NPY:/x")) {
      DatasetException e = assertThrows(DatasetException.class,
          () -> locator().open(ref, null, null));
      assertContains(e, "'" + ref + "'", "mnist, fashion-mnist, npy:DIR, cifar10:DIR, folder:DIR, "
          + "synthetic");
    }
    DatasetException e = assertThrows(DatasetException.class,
        () -> locator().open("npy:", null, null));
    assertContains(e, "expected a directory after 'npy:'");
  }
}
