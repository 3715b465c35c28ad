package org.admm4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InMemoryDatasetTest {

  @Test
  void bytesAreScaledAndFloatsCopiedAsStored() {
    byte[] pixels = {0, (byte) 255, 51, 1, 2, 3};
    InMemoryDataset d = InMemoryDataset.ofBytes("b", new int[] {1, 1, 3}, 4, pixels,
        new int[] {3, 0});
    assertEquals(2, d.size());
    assertEquals(3, d.sampleSize());
    assertEquals(4, d.classes());
    float[] out = {Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN};
    d.copySample(0, out, 1);
    assertArrayEquals(new float[] {Float.NaN, 0f, 1f, 51 / 255f, Float.NaN}, out);
    float[] values = {-1.5f, 2f, 3f, 4f};
    InMemoryDataset f = InMemoryDataset.ofFloats("f", new int[] {2, 1, 1}, 2, values,
        new int[] {1, 0});
    float[] two = new float[2];
    f.copySample(1, two, 0);
    assertArrayEquals(new float[] {3f, 4f}, two);
    int[] shape = f.sampleShape();
    shape[0] = 9;
    assertArrayEquals(new int[] {2, 1, 1}, f.sampleShape());
    assertThrows(IndexOutOfBoundsException.class, () -> f.copySample(2, two, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> f.copySample(0, two, 1));
  }

  @Test
  void refusesWrongLengthsShapesAndLabels() {
    assertMessage(() -> InMemoryDataset.ofBytes("x", new int[] {1, 2, 2}, 3, new byte[7],
        new int[] {0, 1}), "x: values", "expected 2 samples x 1x2x2 = 8", "found 7");
    assertMessage(() -> InMemoryDataset.ofFloats("x", new int[] {1, 2}, 3, new float[4],
        new int[] {0}), "sample shape", "[1, 2]");
    assertMessage(() -> InMemoryDataset.ofFloats("x", new int[] {0, 2, 2}, 3, new float[0],
        new int[0]), "sample shape", "[0, 2, 2]");
    assertMessage(() -> InMemoryDataset.ofBytes("x", new int[] {1, 1, 1}, 3, new byte[2],
        new int[] {0, 3}), "label of sample 1", "expected 0..2", "found 3");
    assertMessage(() -> InMemoryDataset.ofBytes("x", new int[] {1, 1, 1}, 3, new byte[1],
        new int[] {-1}), "found -1");
    assertMessage(() -> InMemoryDataset.ofBytes("x", new int[] {1, 1, 1}, 0, new byte[0],
        new int[0]), "classes", "found 0");
  }

  @Test
  void imageDatasetAdapterKeepsPixelsAndClasses() {
    DatasetSplits s = SyntheticDataset.generate(12, 3, 4, 5, 3, 8);
    ImageDataset mnist = new ImageDataset("mnist", 12, 4, 5, s.train().pixels(), s.train().labels());
    Dataset d = mnist.asDataset();
    assertEquals("mnist", d.name());
    assertEquals(10, d.classes());
    assertArrayEquals(new int[] {1, 4, 5}, d.sampleShape());
    float[] sample = new float[20];
    for (int i = 0; i < 12; i++) {
      assertEquals(mnist.label(i), d.label(i));
      d.copySample(i, sample, 0);
      for (int k = 0; k < 20; k++) {
        assertEquals((mnist.pixels()[i * 20 + k] & 0xff) / 255f, sample[k]);
      }
    }
    assertEquals(s.train().classes(), s.train().asDataset().classes());
  }

  static void assertMessage(Runnable r, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }
  }
}
