package org.admm4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDatasetTest {
  @TempDir Path dir;

  @Test
  void pairsImagesAndLabels() throws Exception {
    byte[] pixels = IdxBytes.randomBytes(6 * 4 * 5, 1);
    byte[] labels = {3, 1, 4, 1, 5, 9};
    IdxFile images = IdxReader.read(write("img", new int[] {6, 4, 5}, pixels));
    IdxFile lab = IdxReader.read(write("lab", new int[] {6}, labels));
    ImageDataset d = ImageDataset.fromIdx("mnist", images, lab);
    assertEquals(6, d.count());
    assertEquals(4, d.rows());
    assertEquals(5, d.cols());
    assertEquals(20, d.imageSize());
    assertArrayEquals(pixels, d.pixels());
    assertEquals(10, d.classes());
    assertEquals(9, d.label(5));
  }

  @Test
  void refusesCountMismatchNamingBothFiles() throws Exception {
    Path img = write("images-file", new int[] {6, 2, 2}, new byte[24]);
    Path lab = write("labels-file", new int[] {5}, new byte[5]);
    DatasetException e = assertThrows(DatasetException.class,
        () -> ImageDataset.fromIdx("x", IdxReader.read(img), IdxReader.read(lab)));
    assertTrue(e.getMessage().contains(img.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(lab.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("count"), e.getMessage());
    assertTrue(e.getMessage().contains("6") && e.getMessage().contains("5"), e.getMessage());
  }

  @Test
  void refusesWrongRanks() throws Exception {
    Path flat = write("flat-images", new int[] {6, 4}, new byte[24]);
    Path lab = write("labels", new int[] {6}, new byte[6]);
    DatasetException e = assertThrows(DatasetException.class,
        () -> ImageDataset.fromIdx("x", IdxReader.read(flat), IdxReader.read(lab)));
    assertTrue(e.getMessage().contains(flat.toString()) && e.getMessage().contains("rank"),
        e.getMessage());
    Path img = write("images", new int[] {6, 2, 2}, new byte[24]);
    Path matrixLabels = write("matrix-labels", new int[] {6, 1}, new byte[6]);
    e = assertThrows(DatasetException.class,
        () -> ImageDataset.fromIdx("x", IdxReader.read(img), IdxReader.read(matrixLabels)));
    assertTrue(e.getMessage().contains(matrixLabels.toString()) && e.getMessage().contains("rank"),
        e.getMessage());
  }

  @Test
  void normalizesEveryPixelValue() {
    byte[] pixels = new byte[256 + 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) i;
    }
    ImageDataset d = new ImageDataset("t", 1, 1, pixels.length, pixels, new byte[1]);
    float[] n = d.normalizedPixels(0.1307f, 0.3081f);
    assertEquals(pixels.length, n.length);
    for (int i = 0; i < n.length; i++) {
      double expected = ((pixels[i] & 0xff) / 255.0 - 0.1307) / 0.3081;
      assertEquals(expected, n[i], 1e-5, "pixel " + i);
    }
    assertThrows(IllegalArgumentException.class, () -> d.normalizedPixels(0f, 0f));
    assertThrows(IllegalArgumentException.class, () -> d.normalizedPixels(Float.NaN, 1f));
  }

  @Test
  void computesNormalizationStatistics() {
    byte[] pixels = {0, (byte) 255, 0, (byte) 255};
    ImageDataset d = new ImageDataset("t", 1, 2, 2, pixels, new byte[1]);
    Normalization n = Normalization.of(d);
    assertEquals(0.5f, n.mean(), 1e-6f);
    assertEquals(0.5f, n.std(), 1e-6f);
    float[] z = d.normalizedPixels(n);
    assertEquals(-1f, z[0], 1e-6f);
    assertEquals(1f, z[1], 1e-6f);
  }

  @Test
  void subsetCopiesTheRange() {
    ImageDataset d = SyntheticDataset.generate(10, 0, 3, 2, 4, 7).train();
    ImageDataset s = d.subset(3, 7);
    assertEquals(4, s.count());
    assertArrayEquals(Arrays.copyOfRange(d.pixels(), 18, 42), s.pixels());
    assertArrayEquals(Arrays.copyOfRange(d.labels(), 3, 7), s.labels());
    assertEquals(0, d.subset(5, 5).count());
    assertThrows(IndexOutOfBoundsException.class, () -> d.subset(8, 11));
    assertThrows(IndexOutOfBoundsException.class, () -> d.subset(4, 3));
  }

  @Test
  void validatesShape() {
    assertThrows(IllegalArgumentException.class,
        () -> new ImageDataset("t", 2, 2, 2, new byte[7], new byte[2]));
    assertThrows(IllegalArgumentException.class,
        () -> new ImageDataset("t", 2, 2, 2, new byte[8], new byte[3]));
  }

  @Test
  void classesIsLargestLabelPlusOneButTenForMnistNames() {
    byte[] labels = {0, 2, 1};
    assertEquals(3, new ImageDataset("synthetic", 3, 1, 1, new byte[3], labels).classes());
    assertEquals(10, new ImageDataset("mnist", 3, 1, 1, new byte[3], labels).classes());
    assertEquals(10, new ImageDataset("fashion-mnist", 3, 1, 1, new byte[3], labels).classes());
    assertArrayEquals(new int[] {1, 1, 1},
        new ImageDataset("synthetic", 3, 1, 1, new byte[3], labels).labelHistogram());
  }

  private Path write(String name, int[] dims, byte[] data) throws Exception {
    Path f = dir.resolve(name);
    IdxWriter.write(f, dims, data, false);
    return f;
  }
}
