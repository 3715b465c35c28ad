package org.admm4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChannelNormalizationTest {

  @Test
  void mnistConstantsAreTheSameBitsAsNormalization() {
    assertEquals(Float.floatToRawIntBits(Normalization.MNIST.mean()),
        Float.floatToRawIntBits(ChannelNormalization.MNIST.mean()[0]));
    assertEquals(Float.floatToRawIntBits(Normalization.MNIST.std()),
        Float.floatToRawIntBits(ChannelNormalization.MNIST.std()[0]));
    assertEquals(Float.floatToRawIntBits(0.2860f),
        Float.floatToRawIntBits(ChannelNormalization.FASHION_MNIST.mean()[0]));
    assertEquals(Float.floatToRawIntBits(0.3530f),
        Float.floatToRawIntBits(ChannelNormalization.FASHION_MNIST.std()[0]));
  }

  @Test
  void normalizesGreyBytesBitIdenticallyToImageDataset() {
    DatasetSplits s = SyntheticDataset.generate(50, 10, 28, 28, 10, 3);
    ImageDataset mnistLike = new ImageDataset("mnist", 50, 28, 28, s.train().pixels(),
        s.train().labels());
    Dataset d = mnistLike.asDataset();
    assertSame(ChannelNormalization.MNIST, ChannelNormalization.forDataset(d));
    assertBitsEqual(mnistLike.normalizedPixels(Normalization.MNIST),
        ChannelNormalization.MNIST.normalize(d));
    // Computed statistics too, and through the generic (non-table) path.
    Normalization grey = Normalization.of(mnistLike);
    ChannelNormalization computed = ChannelNormalization.of(d);
    assertEquals(grey.mean(), computed.mean()[0]);
    assertEquals(grey.std(), computed.std()[0]);
    assertBitsEqual(mnistLike.normalizedPixels(grey), computed.normalize(opaque(d)));
  }

  @Test
  void fashionMnistPicksItsConstants() {
    ImageDataset f = new ImageDataset("fashion-mnist", 1, 2, 2, new byte[4], new byte[1]);
    assertSame(ChannelNormalization.FASHION_MNIST, ChannelNormalization.forDataset(f.asDataset()));
    DatasetSplits splits = new DatasetSplits(f, f);
    assertEquals(ChannelNormalization.FASHION_MNIST, TrainTestSplit.of(splits).normalization());
  }

  @Test
  void perChannelStatisticsMatchAPlainDoubleComputation() {
    int n = 37;
    int c = 3;
    int plane = 5 * 7;
    byte[] bytes = IdxBytes.randomBytes(n * c * plane, 11);
    // Skew channel 2 so the channels differ.
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < plane; k++) {
        bytes[(i * c + 2) * plane + k] = (byte) ((bytes[(i * c + 2) * plane + k] & 0xff) / 4);
      }
    }
    float[] floats = NpyReaderTest.randomFloats(n * c * plane, 12);
    int[] labels = new int[n];
    for (Dataset d : new Dataset[] {
        InMemoryDataset.ofBytes("b", new int[] {c, 5, 7}, 1, bytes, labels),
        InMemoryDataset.ofFloats("f", new int[] {c, 5, 7}, 1, floats, labels)}) {
      ChannelNormalization got = ChannelNormalization.of(d);
      float[] sample = new float[c * plane];
      for (int ch = 0; ch < c; ch++) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
          d.copySample(i, sample, 0);
          for (int k = 0; k < plane; k++) {
            sum += sample[ch * plane + k];
          }
        }
        double mean = sum / (n * plane);
        double sq = 0;
        for (int i = 0; i < n; i++) {
          d.copySample(i, sample, 0);
          for (int k = 0; k < plane; k++) {
            double dev = sample[ch * plane + k] - mean;
            sq += dev * dev;
          }
        }
        double std = Math.sqrt(sq / (n * plane));
        assertEquals(mean, got.mean()[ch], 1e-6, d.name() + " channel " + ch);
        assertEquals(std, got.std()[ch], 1e-6, d.name() + " channel " + ch);
      }
      assertTrue(Math.abs(got.mean()[2] - got.mean()[0]) > 0.05 || d.name().equals("f"));
    }
  }

  @Test
  void normalizeAppliesEachChannelsStatistics() {
    int n = 4;
    float[] floats = NpyReaderTest.randomFloats(n * 2 * 3, 5);
    Dataset d = InMemoryDataset.ofFloats("f", new int[] {2, 1, 3}, 2, floats, new int[] {0, 1, 1, 0});
    ChannelNormalization norm = new ChannelNormalization(new float[] {0.5f, -1f},
        new float[] {2f, 0.25f});
    float[] out = norm.normalize(d);
    assertEquals(n * 6, out.length);
    for (int i = 0; i < out.length; i++) {
      int ch = (i / 3) % 2;
      float expected = ch == 0 ? (floats[i] - 0.5f) / 2f : (floats[i] + 1f) / 0.25f;
      assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[i]), "at " + i);
    }
    byte[] bytes = IdxBytes.randomBytes(n * 6, 9);
    Dataset b = InMemoryDataset.ofBytes("b", new int[] {2, 1, 3}, 2, bytes, new int[] {0, 1, 1, 0});
    assertBitsEqual(norm.normalize(opaque(b)), norm.normalize(b));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ChannelNormalization.MNIST.normalize(b));
    assertTrue(e.getMessage().contains("1 channels") && e.getMessage().contains("have 2"),
        e.getMessage());
  }

  @Test
  void zeroSpreadAndEmptyDataGetStdOne() {
    Dataset flat = InMemoryDataset.ofBytes("x", new int[] {1, 2, 2}, 1,
        new byte[] {9, 9, 9, 9}, new int[] {0});
    ChannelNormalization n = ChannelNormalization.of(flat);
    assertEquals(9 / 255f, n.mean()[0], 1e-7);
    assertEquals(1f, n.std()[0]);
    Dataset empty = InMemoryDataset.ofFloats("e", new int[] {3, 1, 1}, 1, new float[0], new int[0]);
    assertEquals(new ChannelNormalization(new float[3], new float[] {1, 1, 1}),
        ChannelNormalization.of(empty));
  }

  @Test
  void jsonRoundTrips() {
    assertEquals("{\"mean\": [0.1307], \"std\": [0.3081]}", ChannelNormalization.MNIST.toJson());
    assertEquals(ChannelNormalization.MNIST, ChannelNormalization.parse(
        ChannelNormalization.MNIST.toJson()));
    ChannelNormalization odd = new ChannelNormalization(
        new float[] {0.49139968f, 1e-7f, -3.25f}, new float[] {0.24703233f, 123456.79f, 1f});
    ChannelNormalization back = ChannelNormalization.parse(odd.toJson());
    assertEquals(odd, back);
    assertEquals(odd, ChannelNormalization.parse(
        " {\n \"std\" : [0.24703233,123456.79, 1.0E0],\"mean\":[0.49139968, 1e-7, -3.25] } "));
  }

  @Test
  void jsonErrorsSayWhatWasExpected() {
    assertJsonError("{\"mean\": [0.1]}", "both \"mean\" and \"std\"");
    assertJsonError("{\"mean\": [0.1], \"std\": [0.2], \"x\": [1]}", "\"x\"");
    assertJsonError("{\"mean\": [0.1], \"mean\": [0.2]}", "each once");
    assertJsonError("{\"mean\": [zero], \"std\": [1]}", "expected a number");
    assertJsonError("{\"mean\": [0.1], \"std\": [0.2]} x", "expected the end");
    assertJsonError("{\"mean\": [0.1, 0.2], \"std\": [0.2]}", "2 means and 1 stds");
    assertJsonError("{\"mean\": [0.1], \"std\": [-0.2]}", "positive std");
    assertJsonError("", "expected '{'");
    assertJsonError("{\"mean\": [0.1", "expected ',' or ']'");
  }

  @Test
  void refusesBadStatisticsAndCopiesArrays() {
    assertThrows(IllegalArgumentException.class,
        () -> new ChannelNormalization(new float[] {Float.NaN}, new float[] {1}));
    assertThrows(IllegalArgumentException.class,
        () -> new ChannelNormalization(new float[] {0}, new float[] {0}));
    assertThrows(IllegalArgumentException.class,
        () -> new ChannelNormalization(new float[0], new float[0]));
    float[] mean = {0.5f};
    ChannelNormalization n = new ChannelNormalization(mean, new float[] {1});
    mean[0] = 9;
    n.mean()[0] = 7;
    assertEquals(0.5f, n.mean()[0]);
  }

  private static void assertJsonError(String json, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ChannelNormalization.parse(json));
    assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("normalization JSON"), e.getMessage());
  }

  static void assertBitsEqual(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
        assertEquals(expected[i], actual[i], "at " + i);
      }
    }
  }

  /** {@code d} seen only through the interface, so no code path can use its arrays. */
  static Dataset opaque(Dataset d) {
    return new Dataset() {
      @Override public String name() {
        return d.name();
      }

      @Override public int size() {
        return d.size();
      }

      @Override public int[] sampleShape() {
        return d.sampleShape();
      }

      @Override public int classes() {
        return d.classes();
      }

      @Override public int label(int i) {
        return d.label(i);
      }

      @Override public void copySample(int i, float[] dst, int offset) {
        d.copySample(i, dst, offset);
      }
    };
  }
}
