package org.admm4j.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the binary version of CIFAR-10: {@code data_batch_1.bin} … {@code data_batch_5.bin}
 * (train) and {@code test_batch.bin} (test), in {@code DIR} or in {@code DIR/cifar-10-batches-bin}
 * (the folder the archive unpacks to).
 *
 * <p>Each record is 1 label byte (0..9) followed by 3072 pixel bytes: the 1024 red values, then
 * green, then blue, each 32×32 row-major, which is already CHW. The real files hold 10,000 records;
 * any whole number is accepted, so a file whose length is not a multiple of 3073 is truncated and
 * refused. The normalisation is computed on the training images.
 */
public final class Cifar10Reader {
  public static final int CLASSES = 10;
  public static final int CHANNELS = 3;
  public static final int SIDE = 32;
  /** Bytes per record: one label and 3·32·32 pixels. */
  public static final int RECORD_BYTES = 1 + CHANNELS * SIDE * SIDE;
  /** The folder name inside the official archive. */
  public static final String ARCHIVE_FOLDER = "cifar-10-batches-bin";
  public static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin",
      "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
  public static final String TEST_FILE = "test_batch.bin";
  /** The class names of CIFAR-10 by label (as in the archive's batches.meta.txt). */
  public static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat",
      "deer", "dog", "frog", "horse", "ship", "truck");

  private Cifar10Reader() {}

  /**
   * Reads the six files of {@code dir} (or of {@code dir/cifar-10-batches-bin}) as "cifar10", with
   * the class names of {@link #CLASS_NAMES}.
   *
   * @throws DatasetException naming the file and the problem, expected and found
   */
  public static TrainTestSplit read(Path dir) throws DatasetException {
    Path folder = Files.isRegularFile(dir.resolve(TEST_FILE)) || !Files.isDirectory(
        dir.resolve(ARCHIVE_FOLDER)) ? dir : dir.resolve(ARCHIVE_FOLDER);
    if (!Files.isDirectory(folder)) {
      throw new DatasetException(dir + ": not a directory (cifar10:DIR expects "
          + String.join(", ", TRAIN_FILES) + " and " + TEST_FILE + " in DIR or DIR/"
          + ARCHIVE_FOLDER + ")");
    }
    List<String> missing = new ArrayList<>();
    for (String name : allFiles()) {
      if (!Files.isRegularFile(folder.resolve(name))) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new DatasetException(folder + ": missing " + String.join(", ", missing)
          + " (cifar10:DIR expects the binary version: " + String.join(", ", TRAIN_FILES) + ", "
          + TEST_FILE + ")");
    }
    List<Path> train = new ArrayList<>();
    for (String name : TRAIN_FILES) {
      train.add(folder.resolve(name));
    }
    Dataset trainSet = readBatches(train);
    Dataset testSet = readBatches(List.of(folder.resolve(TEST_FILE)));
    return new TrainTestSplit(trainSet, testSet, ChannelNormalization.of(trainSet), CLASS_NAMES);
  }

  /**
   * The records of {@code files}, in order, as one dataset; every length is checked before
   * anything is allocated.
   */
  static InMemoryDataset readBatches(List<Path> files) throws DatasetException {
    long records = 0;
    for (Path file : files) {
      long length = size(file);
      if (length % RECORD_BYTES != 0) {
        throw new DatasetException(file + ": length: expected a multiple of " + RECORD_BYTES
            + " bytes (records of 1 label + 3072 pixels), found " + length + " bytes = "
            + length / RECORD_BYTES + " records + " + length % RECORD_BYTES
            + " bytes (truncated file?)");
      }
      records += length / RECORD_BYTES;
    }
    int sample = RECORD_BYTES - 1;
    if (records * sample > NpyFile.MAX_ELEMENTS) {
      throw new DatasetException(files + ": " + records + " records do not fit one Java array");
    }
    byte[] pixels = new byte[(int) (records * sample)];
    int[] labels = new int[(int) records];
    byte[] record = new byte[RECORD_BYTES];
    int at = 0;
    for (Path file : files) {
      long count = size(file) / RECORD_BYTES;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        for (long r = 0; r < count; r++, at++) {
          if (in.readNBytes(record, 0, RECORD_BYTES) != RECORD_BYTES) {
            throw new DatasetException(file + ": record " + r + ": ended early (the file changed "
                + "while reading?)");
          }
          int label = record[0] & 0xff;
          if (label >= CLASSES) {
            throw new DatasetException(file + ": record " + r + " (byte offset " + r * RECORD_BYTES
                + "): label: expected 0.." + (CLASSES - 1) + ", found " + label);
          }
          labels[at] = label;
          System.arraycopy(record, 1, pixels, at * sample, sample);
        }
      } catch (IOException e) {
        throw new DatasetException(file + ": cannot read: " + e, e);
      }
    }
    return InMemoryDataset.ofBytes("cifar10", new int[] {CHANNELS, SIDE, SIDE}, CLASSES, pixels,
        labels);
  }

  private static List<String> allFiles() {
    List<String> all = new ArrayList<>(TRAIN_FILES);
    all.add(TEST_FILE);
    return all;
  }

  private static long size(Path file) throws DatasetException {
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      throw new DatasetException(file + ": file not found");
    } catch (IOException e) {
      throw new DatasetException(file + ": cannot read: " + e, e);
    }
  }
}
