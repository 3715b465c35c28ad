package org.admm4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyReaderTest {
  @TempDir Path dir;

  private static final int H = 5;
  private static final int W = 4;

  /** A valid uint8 (N, H, W) dataset: 7 train, 3 test; the largest label (6) is only in test. */
  private void writeUint8() throws Exception {
    NpyBytes.write(dir.resolve("train-images.npy"),
        NpyBytes.uint8(new long[] {7, H, W}, IdxBytes.randomBytes(7 * H * W, 1)));
    NpyBytes.write(dir.resolve("train-labels.npy"), NpyBytes.ints("|u1", new int[] {0, 1, 2, 3, 4, 5, 0}));
    NpyBytes.write(dir.resolve("test-images.npy"),
        NpyBytes.uint8(new long[] {3, H, W}, IdxBytes.randomBytes(3 * H * W, 2)));
    NpyBytes.write(dir.resolve("test-labels.npy"), NpyBytes.ints("<i8", new int[] {6, 1, 0}));
  }

  @Test
  void readsUint8ImagesAsOneChannelScaledBy255() throws Exception {
    writeUint8();
    TrainTestSplit s = NpyReader.read(dir);
    byte[] pixels = IdxBytes.randomBytes(7 * H * W, 1);
    assertEquals(7, s.train().size());
    assertEquals(3, s.test().size());
    assertArrayEquals(new int[] {1, H, W}, s.train().sampleShape());
    assertEquals(7, s.train().classes(), "max label 6 (in test) + 1");
    assertEquals(7, s.test().classes());
    assertEquals(5, s.train().label(5));
    assertEquals(6, s.test().label(0));
    float[] sample = new float[H * W];
    s.train().copySample(3, sample, 0);
    for (int k = 0; k < H * W; k++) {
      assertEquals((pixels[3 * H * W + k] & 0xff) / 255f, sample[k]);
    }
    assertTrue(((InMemoryDataset) s.train()).isUint8(), "uint8 stays bytes");
    assertEquals(ChannelNormalization.of(s.train()), s.normalization());
    assertTrue(s.classNames().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"<f4", ">f4"})
  void readsFloat32FourDimensionalImagesAsStored(String descr) throws Exception {
    ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    float[] train = randomFloats(4 * 3 * H * W, 3);
    float[] test = randomFloats(2 * 3 * H * W, 4);
    NpyBytes.write(dir.resolve("train-images.npy"), NpyBytes.float32(new long[] {4, 3, H, W}, train, order));
    NpyBytes.write(dir.resolve("test-images.npy"), NpyBytes.float32(new long[] {2, 3, H, W}, test, order));
    NpyBytes.write(dir.resolve("train-labels.npy"), NpyBytes.ints(">i4", new int[] {2, 0, 1, 2}));
    NpyBytes.write(dir.resolve("test-labels.npy"), NpyBytes.ints("<u2", new int[] {1, 1}));
    TrainTestSplit s = NpyReader.read(dir);
    assertArrayEquals(new int[] {3, H, W}, s.train().sampleShape());
    assertEquals(3, s.train().classes());
    float[] all = new float[4 * 3 * H * W];
    for (int i = 0; i < 4; i++) {
      s.train().copySample(i, all, i * 3 * H * W);
    }
    assertArrayEquals(train, all);
    float[] one = new float[3 * H * W];
    s.test().copySample(1, one, 0);
    assertArrayEquals(Arrays.copyOfRange(test, 3 * H * W, 6 * H * W), one);
    assertEquals(3, s.normalization().channels());
  }

  @Test
  void refusesWrongImageDtype() throws Exception {
    writeUint8();
    NpyBytes.write(dir.resolve("train-images.npy"),
        NpyBytes.npy(1, "<f8", false, new long[] {7, H, W}, new byte[7 * H * W * 8]));
    assertRefused("train-images.npy", "dtype", "'<f8'", "|u1");
  }

  @Test
  void refusesWrongImageRank() throws Exception {
    writeUint8();
    NpyBytes.write(dir.resolve("test-images.npy"),
        NpyBytes.uint8(new long[] {3, H * W}, new byte[3 * H * W]));
    assertRefused("test-images.npy", "rank", "expected 3", "found 2");
  }

  @Test
  void refusesFortranOrder() throws Exception {
    writeUint8();
    NpyBytes.write(dir.resolve("train-images.npy"),
        NpyBytes.npy(1, "|u1", true, new long[] {7, H, W}, new byte[7 * H * W]));
    assertRefused("train-images.npy", "fortran_order", "found True");
  }

  @Test
  void refusesTruncatedAndTrailingData() throws Exception {
    writeUint8();
    byte[] ok = Files.readAllBytes(dir.resolve("train-images.npy"));
    Files.write(dir.resolve("train-images.npy"), Arrays.copyOf(ok, ok.length - 3));
    assertRefused("train-images.npy", "data", "expected " + 7 * H * W + " bytes",
        "found " + (7 * H * W - 3), "truncated");
    Files.write(dir.resolve("train-images.npy"), Arrays.copyOf(ok, ok.length + 1));
    assertRefused("train-images.npy", "trailing");
    Files.write(dir.resolve("train-images.npy"), Arrays.copyOf(ok, 20));
    assertRefused("train-images.npy", "header", "truncated");
  }

  @Test
  void refusesBadMagicAndVersion() throws Exception {
    writeUint8();
    byte[] ok = Files.readAllBytes(dir.resolve("test-labels.npy"));
    byte[] bad = ok.clone();
    bad[1] = 'X';
    Files.write(dir.resolve("test-labels.npy"), bad);
    assertRefused("test-labels.npy", "magic", "NUMPY", "XUMPY");
    bad = ok.clone();
    bad[6] = 4;
    Files.write(dir.resolve("test-labels.npy"), bad);
    assertRefused("test-labels.npy", "version", "found 4.0");
  }

  @Test
  void refusesCountMismatchNamingBothFiles() throws Exception {
    writeUint8();
    NpyBytes.write(dir.resolve("train-labels.npy"), NpyBytes.ints("|u1", new int[] {0, 1, 2}));
    DatasetException e = assertRefused("train-labels.npy", "count", "7 images", "3 labels");
    assertTrue(e.getMessage().contains(dir.resolve("train-images.npy").toString()), e.getMessage());
  }

  @Test
  void refusesNegativeAndHugeLabels() throws Exception {
    writeUint8();
    NpyBytes.write(dir.resolve("test-labels.npy"), NpyBytes.ints("|i1", new int[] {1, -1, 0}));
    assertRefused("test-labels.npy", "label 1", "found -1");
    NpyBytes.write(dir.resolve("test-labels.npy"), NpyBytes.ints("<i4", new int[] {1, 70000, 0}));
    assertRefused("test-labels.npy", "label 1", "found 70000");
    NpyBytes.write(dir.resolve("test-labels.npy"),
        NpyBytes.npy(1, "<i8", false, new long[] {3}, new byte[] {0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    assertRefused("test-labels.npy", "value 1", "fits an int", "4294967296");
  }

  @Test
  void refusesNonIntegerOrMatrixLabels() throws Exception {
    writeUint8();
    NpyBytes.write(dir.resolve("train-labels.npy"), NpyBytes.float32(new long[] {7}, new float[7],
        ByteOrder.LITTLE_ENDIAN));
    assertRefused("train-labels.npy", "dtype", "integer", "'<f4'");
    NpyBytes.write(dir.resolve("train-labels.npy"),
        NpyBytes.npy(1, "|u1", false, new long[] {7, 1}, new byte[7]));
    assertRefused("train-labels.npy", "rank", "expected 1", "(7, 1)");
  }

  @Test
  void refusesDifferentTrainAndTestShapes() throws Exception {
    writeUint8();
    NpyBytes.write(dir.resolve("test-images.npy"),
        NpyBytes.uint8(new long[] {3, H, W + 1}, new byte[3 * H * (W + 1)]));
    DatasetException e = assertRefused("test-images.npy", "sample shape", "[1, 5, 4]", "[1, 5, 5]");
    assertTrue(e.getMessage().contains("train-images.npy"), e.getMessage());
  }

  @Test
  void refusesEmptyOrHugeSampleDimensions() throws Exception {
    writeUint8();
    NpyBytes.write(dir.resolve("test-images.npy"),
        NpyBytes.uint8(new long[] {0, 0, W}, new byte[0]));
    assertRefused("test-images.npy", "sample dimension", "(0, 0, 4)");
    NpyBytes.write(dir.resolve("test-images.npy"),
        NpyBytes.uint8(new long[] {0, 1L << 20, 1L << 20}, new byte[0]));
    assertRefused("test-images.npy", "at most", "(0, 1048576, 1048576)");
  }

  @Test
  void readsEmptySplits() throws Exception {
    writeUint8();
    NpyBytes.write(dir.resolve("test-images.npy"), NpyBytes.uint8(new long[] {0, H, W}, new byte[0]));
    NpyBytes.write(dir.resolve("test-labels.npy"), NpyBytes.ints("<i8", new int[0]));
    TrainTestSplit s = NpyReader.read(dir);
    assertEquals(0, s.test().size());
    assertEquals(6, s.test().classes(), "train's largest label is 5");
  }

  @Test
  void refusesNonFiniteFloats() throws Exception {
    writeUint8();
    float[] v = new float[7 * H * W];
    v[9] = Float.NaN;
    NpyBytes.write(dir.resolve("train-images.npy"),
        NpyBytes.float32(new long[] {7, H, W}, v, ByteOrder.LITTLE_ENDIAN));
    assertRefused("train-images.npy", "value 9", "finite", "NaN");
  }

  @Test
  void refusesMissingFileAndBadHeaderDict() throws Exception {
    writeUint8();
    Files.delete(dir.resolve("test-labels.npy"));
    assertRefused("test-labels.npy", "not found");
    NpyBytes.write(dir.resolve("test-labels.npy"),
        NpyBytes.npy(1, "<c8", false, new long[] {3}, new byte[24]));
    assertRefused("test-labels.npy", "dtype", "<c8");
    byte[] broken = NpyBytes.ints("|u1", new int[] {0, 1, 2});
    String text = new String(broken, java.nio.charset.StandardCharsets.ISO_8859_1)
        .replace("'shape'", "'shapf'");
    Files.write(dir.resolve("test-labels.npy"),
        text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertRefused("test-labels.npy", "expected key 'shape'");
  }

  private DatasetException assertRefused(String file, String... parts) {
    DatasetException e = assertThrows(DatasetException.class, () -> NpyReader.read(dir));
    assertTrue(e.getMessage().contains(dir.resolve(file).toString()), e.getMessage());
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }
    return e;
  }

  static float[] randomFloats(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 4 - 2);
    }
    return v;
  }
}
