package org.admm4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real files, when this machine has them (skipped otherwise; never fetched here). The expected
 * figures were computed with Python straight from the files (sum of bytes, label counts) and agree
 * with the published class counts.
 */
class RealDatasetsTest {
  @TempDir Path tmp;

  @Test
  void mnistFromTheUserCache() throws Exception {
    Path cacheRoot = DatasetResolver.defaultCacheRoot();
    DatasetSpec spec = KnownDatasets.MNIST.withSources(List.of());
    assumeTrue(allPresent(spec, cacheRoot.resolve("mnist")),
        "MNIST not in " + cacheRoot.resolve("mnist") + "; see datasets/README.md");
    DatasetSplits s = new DatasetResolver(cacheRoot, null, Map.of("mnist", spec))
        .load("mnist", null, null);
    checkShape(s);
    assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
        s.test().labelHistogram());
    assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
        s.train().labelHistogram());
    assertEquals(264_923_200L, pixelSum(s.test()));
    assertEquals(1_567_298_545L, pixelSum(s.train()));
    assertArrayEquals(new byte[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9},
        java.util.Arrays.copyOf(s.test().labels(), 10));
    Normalization n = Normalization.of(s.train());
    assertEquals(Normalization.MNIST.mean(), n.mean(), 1e-4);
    assertEquals(Normalization.MNIST.std(), n.std(), 1e-4);
    // The Dataset form: the usual constants, the same floats as the IDX path, the same statistics.
    TrainTestSplit split = TrainTestSplit.of(s);
    assertEquals(ChannelNormalization.MNIST, split.normalization());
    assertEquals(10, split.train().classes());
    ChannelNormalizationTest.assertBitsEqual(s.train().normalizedPixels(Normalization.MNIST),
        split.normalization().normalize(split.train()));
    ChannelNormalization computed = ChannelNormalization.of(split.train());
    assertEquals(n.mean(), computed.mean()[0]);
    assertEquals(n.std(), computed.std()[0]);
  }

  @Test
  void fashionMnistFromTheDebianPackageIntoAFreshCache() throws Exception {
    DatasetSpec known = KnownDatasets.FASHION_MNIST;
    Path debian = KnownDatasets.FASHION_DEBIAN_DIR;
    assumeTrue(Files.isRegularFile(debian.resolve("train-images-idx3-ubyte.gz")),
        "Debian package " + KnownDatasets.FASHION_DEBIAN_PACKAGE + " not installed");
    DatasetSpec spec = known.withSources(List.of(
        new DebianPackageSource(KnownDatasets.FASHION_DEBIAN_PACKAGE, debian)));
    Path cacheRoot = tmp.resolve("cache");
    DatasetSplits s = new DatasetResolver(cacheRoot, null, Map.of(spec.name(), spec))
        .load(spec.name(), null, null);
    checkShape(s);
    assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000},
        s.test().labelHistogram());
    assertEquals(573_469_082L, pixelSum(s.test()));
    assertArrayEquals(new byte[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7},
        java.util.Arrays.copyOf(s.test().labels(), 10));
    Normalization n = Normalization.of(s.train());
    assertEquals(Normalization.FASHION_MNIST.mean(), n.mean(), 1e-4);
    assertEquals(Normalization.FASHION_MNIST.std(), n.std(), 1e-4);
    for (DatasetSpec.PinnedFile f : spec.files()) {
      assertEquals(f.sha256(), Sha256.ofFile(cacheRoot.resolve(spec.name()).resolve(f.fileName())));
      assertEquals(f.size(), Files.size(cacheRoot.resolve(spec.name()).resolve(f.fileName())));
    }
  }

  private static void checkShape(DatasetSplits s) {
    assertEquals(60_000, s.train().count());
    assertEquals(10_000, s.test().count());
    for (ImageDataset d : List.of(s.train(), s.test())) {
      assertEquals(28, d.rows());
      assertEquals(28, d.cols());
      assertEquals(10, d.classes());
      for (byte b : d.labels()) {
        assertTrue((b & 0xff) < 10, "label " + (b & 0xff));
      }
    }
  }

  private static boolean allPresent(DatasetSpec spec, Path dir) {
    for (DatasetSpec.PinnedFile f : spec.files()) {
      if (!Files.isRegularFile(dir.resolve(f.fileName()))
          && !Files.isRegularFile(dir.resolve(f.fileName() + ".gz"))) {
        return false;
      }
    }
    return true;
  }

  private static long pixelSum(ImageDataset d) {
    long sum = 0;
    for (byte b : d.pixels()) {
      sum += b & 0xff;
    }
    return sum;
  }
}
