package org.admm4j.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A four-file IDX dataset small enough to write in every test, with its pinned spec. */
final class TinyDataset {
  static final String NAME = "tiny";
  static final int TRAIN = 20;
  static final int TEST = 6;
  static final int ROWS = 4;
  static final int COLS = 3;

  final DatasetSplits splits = SyntheticDataset.generate(TRAIN, TEST, ROWS, COLS, 5, 77);

  /** The spec whose pins match {@link #writeTo} output, fetching from {@code sources}. */
  DatasetSpec spec(List<DatasetSource> sources) {
    return new DatasetSpec(NAME,
        pin("train-images-idx3-ubyte", IdxBytes.valid(new int[] {TRAIN, ROWS, COLS},
            splits.train().pixels())),
        pin("train-labels-idx1-ubyte", IdxBytes.valid(new int[] {TRAIN}, splits.train().labels())),
        pin("t10k-images-idx3-ubyte", IdxBytes.valid(new int[] {TEST, ROWS, COLS},
            splits.test().pixels())),
        pin("t10k-labels-idx1-ubyte", IdxBytes.valid(new int[] {TEST}, splits.test().labels())),
        sources);
  }

  /** Writes the four files into {@code dir} (created), gzipped with .gz names or raw. */
  Path writeTo(Path dir, boolean gzip) throws IOException {
    Files.createDirectories(dir);
    String gz = gzip ? ".gz" : "";
    IdxWriter.write(dir.resolve("train-images-idx3-ubyte" + gz), new int[] {TRAIN, ROWS, COLS},
        splits.train().pixels(), gzip);
    IdxWriter.write(dir.resolve("train-labels-idx1-ubyte" + gz), new int[] {TRAIN},
        splits.train().labels(), gzip);
    IdxWriter.write(dir.resolve("t10k-images-idx3-ubyte" + gz), new int[] {TEST, ROWS, COLS},
        splits.test().pixels(), gzip);
    IdxWriter.write(dir.resolve("t10k-labels-idx1-ubyte" + gz), new int[] {TEST},
        splits.test().labels(), gzip);
    return dir;
  }

  /** Same as {@link #writeTo} but one test label changed: valid IDX, wrong hash. */
  Path writeTamperedTo(Path dir) throws IOException {
    writeTo(dir, false);
    byte[] labels = splits.test().labels().clone();
    labels[0] ^= 1;
    IdxWriter.write(dir.resolve("t10k-labels-idx1-ubyte"), new int[] {TEST}, labels, false);
    return dir;
  }

  private static DatasetSpec.PinnedFile pin(String name, byte[] content) {
    return new DatasetSpec.PinnedFile(name, Sha256.of(content), content.length);
  }
}
