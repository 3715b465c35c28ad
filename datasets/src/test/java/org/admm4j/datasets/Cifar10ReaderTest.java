package org.admm4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10ReaderTest {
  @TempDir Path dir;

  private static final int RECORD = 3073;
  private static final int[] TRAIN_RECORDS = {3, 2, 1, 4, 2};
  private static final int TEST_RECORDS = 3;

  /** Records in the exact binary layout: label byte, then 1024 R, 1024 G, 1024 B. */
  private static byte[] records(int count, long seed) {
    byte[] b = IdxBytes.randomBytes(count * RECORD, seed);
    for (int r = 0; r < count; r++) {
      b[r * RECORD] = (byte) ((r * 7 + seed) % 10);
    }
    return b;
  }

  private Path writeAll(Path folder) throws Exception {
    Files.createDirectories(folder);
    for (int k = 0; k < 5; k++) {
      Files.write(folder.resolve("data_batch_" + (k + 1) + ".bin"), records(TRAIN_RECORDS[k], k));
    }
    Files.write(folder.resolve("test_batch.bin"), records(TEST_RECORDS, 9));
    return folder;
  }

  @Test
  void readsRecordsInOrderAsThreeChannels() throws Exception {
    writeAll(dir);
    TrainTestSplit s = Cifar10Reader.read(dir);
    assertEquals(12, s.train().size());
    assertEquals(3, s.test().size());
    assertArrayEquals(new int[] {3, 32, 32}, s.train().sampleShape());
    assertEquals(10, s.train().classes());
    assertEquals(10, s.classNames().size());
    assertEquals("airplane", s.classNames().get(0));
    assertEquals(3, s.normalization().channels());
    // Sample 4 of train is record 1 of data_batch_2.
    byte[] batch2 = records(2, 1);
    assertEquals(batch2[RECORD] & 0xff, s.train().label(4));
    float[] sample = new float[3072];
    s.train().copySample(4, sample, 0);
    for (int k = 0; k < 3072; k++) {
      // R plane then G then B: the file's order is already CHW.
      assertEquals((batch2[RECORD + 1 + k] & 0xff) / 255f, sample[k], "value " + k);
    }
    byte[] test = records(TEST_RECORDS, 9);
    s.test().copySample(2, sample, 0);
    assertEquals((test[2 * RECORD + 1 + 1024 + 33] & 0xff) / 255f, sample[1024 + 33],
        "green, row 1, column 1");
    assertEquals(test[2 * RECORD], s.test().label(2));
  }

  @Test
  void findsTheArchiveFolderInside() throws Exception {
    writeAll(dir.resolve("cifar-10-batches-bin"));
    assertEquals(12, Cifar10Reader.read(dir).train().size());
  }

  @Test
  void refusesTruncatedFileNamingLengthAndRecordSize() throws Exception {
    writeAll(dir);
    Path f = dir.resolve("data_batch_3.bin");
    Files.write(f, Arrays.copyOf(Files.readAllBytes(f), RECORD - 10));
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10Reader.read(dir));
    assertContains(e, f.toString(), "multiple of 3073", "found 3063 bytes", "truncated");
  }

  @Test
  void refusesLabelTenOrMore() throws Exception {
    writeAll(dir);
    byte[] test = records(TEST_RECORDS, 9);
    test[RECORD] = 10;
    Files.write(dir.resolve("test_batch.bin"), test);
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10Reader.read(dir));
    assertContains(e, dir.resolve("test_batch.bin").toString(), "record 1", "expected 0..9",
        "found 10");
  }

  @Test
  void refusesMissingFilesListingThem() throws Exception {
    writeAll(dir);
    Files.delete(dir.resolve("data_batch_5.bin"));
    Files.delete(dir.resolve("test_batch.bin"));
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10Reader.read(dir));
    assertContains(e, dir.toString(), "missing data_batch_5.bin, test_batch.bin");
    e = assertThrows(DatasetException.class, () -> Cifar10Reader.read(dir.resolve("nope")));
    assertContains(e, "nope", "not a directory");
  }

  static void assertContains(Exception e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }
  }
}
