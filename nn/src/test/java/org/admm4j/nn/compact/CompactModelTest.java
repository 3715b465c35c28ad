package org.admm4j.nn.compact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.admm4j.nn.io.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactModelTest {

  @TempDir
  Path dir;

  private final Random random = new Random(345);

  /** LeNet-5's tensors (Caffe layout as in the ADMM paper), weights kept with probability density. */
  private LinkedHashMap<String, Tensor> lenet5(double density) {
    LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
    t.put("conv1.weight", pruned(new int[] {20, 1, 5, 5}, density));
    t.put("conv1.bias", pruned(new int[] {20}, 1));
    t.put("conv2.weight", pruned(new int[] {50, 20, 5, 5}, density));
    t.put("conv2.bias", pruned(new int[] {50}, 1));
    t.put("fc1.weight", pruned(new int[] {500, 800}, density));
    t.put("fc1.bias", pruned(new int[] {500}, 1));
    t.put("fc2.weight", pruned(new int[] {10, 500}, density));
    t.put("fc2.bias", pruned(new int[] {10}, 1));
    return t;
  }

  private Tensor pruned(int[] shape, double density) {
    int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      data[i] = random.nextDouble() < density ? (float) random.nextGaussian() : 0f;
    }
    return new Tensor(shape, data);
  }

  private static void assertSameBits(LinkedHashMap<String, Tensor> expected, LinkedHashMap<String, Tensor> actual) {
    assertEquals(new java.util.ArrayList<>(expected.keySet()), new java.util.ArrayList<>(actual.keySet()));
    for (String name : expected.keySet()) {
      assertArrayEquals(expected.get(name).shape(), actual.get(name).shape(), name);
      float[] a = expected.get(name).data(), b = actual.get(name).data();
      assertEquals(a.length, b.length, name);
      for (int i = 0; i < a.length; i++) {
        if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
          throw new AssertionError(name + "[" + i + "]: expected " + a[i] + ", got " + b[i]);
        }
      }
    }
  }

  @Test
  void roundTripIsBitExact() throws IOException {
    for (double density : new double[] {0, 0.001, 0.025, 0.3, 1}) {
      LinkedHashMap<String, Tensor> tensors = lenet5(density);
      Path file = dir.resolve("model-" + density + ".a4jc");
      Map<String, String> meta = Map.of("model", "lenet5", "note", "ünïcode ✓");
      CompactModelWriter.write(file, tensors, meta);
      CompactModel back = CompactModelReader.read(file);
      assertSameBits(tensors, back.tensors());
      assertEquals(meta, back.metadata());
    }
  }

  @Test
  void awkwardTensorsRoundTrip() throws IOException {
    LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
    t.put("empty", new Tensor(new int[] {0}, new float[0]));
    t.put("scalar", new Tensor(new int[] {}, new float[] {3.5f}));
    t.put("zeros", new Tensor(new int[] {100_000}, new float[100_000]));
    float[] specials = new float[5000];
    specials[0] = -0f;
    specials[255] = Float.NaN;
    specials[256] = Float.MIN_VALUE;
    specials[257 + 256] = 1f; // a gap of exactly 256 zeros
    specials[257 + 256 + 1 + 255] = 2f; // a gap of exactly 255 zeros
    specials[4000] = Float.NEGATIVE_INFINITY; // a gap needing several fillers
    specials[4999] = -1f;
    t.put("specials", new Tensor(new int[] {50, 100}, specials));
    float[] head = new float[1000];
    head[0] = 1f; // long run of trailing zeros after it
    t.put("head", new Tensor(new int[] {1000}, head));
    Path file = dir.resolve("awkward.a4jc");
    CompactModelWriter.write(file, t, Map.of());
    assertSameBits(t, CompactModelReader.read(file).tensors());
    // 100k zeros cost ⌈100000/256⌉ fillers of 5 bytes, not 400 kB
    assertTrue(Files.size(file) < 5_000, "size " + Files.size(file));
  }

  @Test
  void lenet5At40xIsAtLeast25TimesSmallerThanDenseFloat32() throws IOException {
    LinkedHashMap<String, Tensor> tensors = lenet5(0.025);
    long denseBytes = 0;
    for (Tensor x : tensors.values()) {
      denseBytes += 4L * x.data().length;
    }
    Path file = dir.resolve("lenet5.a4jc");
    CompactModelWriter.write(file, tensors, Map.of("model", "lenet5"));
    long compact = Files.size(file);
    double ratio = (double) denseBytes / compact;
    // 5 bytes per kept weight (f32 + 1-byte gap) against 4/0.025 = 160: ~32×, less the dense biases
    assertTrue(ratio >= 25, "compact " + compact + " bytes vs dense " + denseBytes + ": only " + ratio + "×");
  }

  @Test
  void writeIsAtomicAndReplaces() throws IOException {
    Path file = dir.resolve("m.a4jc");
    CompactModelWriter.write(file, lenet5(0.1), Map.of("v", "1"));
    CompactModelWriter.write(file, lenet5(0.1), Map.of("v", "2"));
    assertEquals("2", CompactModelReader.read(file).metadata().get("v"));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "temporary files left behind");
    }
  }

  private byte[] smallFile() throws IOException {
    return smallFile(2);
  }

  private byte[] smallFile(int version) throws IOException {
    LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
    t.put("w", pruned(new int[] {20, 30}, 0.05));
    t.put("b", pruned(new int[] {7}, 1));
    Path file = dir.resolve("small.a4jc");
    if (version == 1) {
      CompactModelWriter.writeVersion1(file, t, Map.of("k", "v"));
    } else {
      CompactModelWriter.write(file, t, Map.of("k", "v"));
    }
    return Files.readAllBytes(file);
  }

  private CompactFormatException refused(byte[] bytes) throws IOException {
    Path file = dir.resolve("bad.a4jc");
    Files.write(file, bytes);
    return assertThrows(CompactFormatException.class, () -> CompactModelReader.read(file));
  }

  private static int headerLength(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  @Test
  void truncationAtEveryOffsetIsRefusedAndNamed() throws IOException {
    for (int version = 1; version <= 2; version++) {
      truncationsAreRefused(smallFile(version));
    }
  }

  private void truncationsAreRefused(byte[] full) throws IOException {
    int payloadStart = 16 + headerLength(full);
    for (int len = 0; len < full.length; len++) {
      String m = refused(Arrays.copyOf(full, len)).getMessage();
      assertTrue(m.contains("truncated"), "length " + len + ": " + m);
      if (len >= payloadStart) {
        assertTrue(m.contains("tensor '") && m.contains("field '"), "length " + len + ": " + m);
      }
    }
  }

  @Test
  void everyFlippedByteIsRefused() throws IOException {
    for (int version = 1; version <= 2; version++) {
      flippedBytesAreRefused(smallFile(version), version);
    }
  }

  private void flippedBytesAreRefused(byte[] full, int version) throws IOException {
    int payloadStart = 16 + headerLength(full);
    for (int i = 0; i < full.length; i++) {
      for (int bit : new int[] {0, 7}) {
        byte[] bad = full.clone();
        bad[i] ^= (byte) (1 << bit);
        String m = refused(bad).getMessage();
        if (i >= payloadStart) {
          // version 1 has a checksum per tensor, version 2 one over all payloads
          assertTrue(m.contains("payload checksum mismatch") && (version == 2 || m.contains("tensor '")),
              "v" + version + " byte " + i + ": " + m);
        } else if (i >= 16) {
          assertTrue(m.contains("header checksum mismatch"), "byte " + i + ": " + m);
        }
      }
    }
  }

  @Test
  void badMagicAndVersionAreNamed() throws IOException {
    byte[] full = smallFile();
    byte[] magic = full.clone();
    magic[0] = 'P';
    assertTrue(refused(magic).getMessage().contains("bad magic"));
    byte[] version = full.clone();
    version[4] = 3;
    assertTrue(refused(version).getMessage().contains("unsupported version 3"));
    assertTrue(refused("not a model at all, just text".getBytes(StandardCharsets.UTF_8)).getMessage()
        .contains("bad magic"));
  }

  /** Builds files with valid checksums and hostile fields. */
  private static final class Raw {
    final ByteBuffer header = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    final ByteBuffer payload = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    Raw() {
      header.putInt(0); // no metadata
    }

    Raw tensors(int count) {
      header.putInt(count);
      return this;
    }

    Raw tensor(String name, long[] shape, int encoding, long entries, byte[] data) {
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      header.putShort((short) n.length).put(n).put((byte) shape.length);
      for (long d : shape) {
        header.putInt((int) d);
      }
      CRC32 crc = new CRC32();
      crc.update(data);
      header.put((byte) encoding).putInt((int) entries).putInt((int) crc.getValue());
      payload.put(data);
      return this;
    }

    byte[] bytes() {
      byte[] h = Arrays.copyOf(header.array(), header.position());
      CRC32 crc = new CRC32();
      crc.update(h);
      ByteBuffer out = ByteBuffer.allocate(16 + h.length + payload.position()).order(ByteOrder.LITTLE_ENDIAN);
      out.put(new byte[] {'A', '4', 'J', 'C'}).putShort((short) 1).putShort((short) 0).putInt(h.length)
          .putInt((int) crc.getValue()).put(h).put(payload.array(), 0, payload.position());
      return out.array();
    }
  }

  @Test
  void hugeDeclaredSizesAreRefusedBeforeAllocating() throws IOException {
    // 2^31 dense floats
    String m = refused(new Raw().tensors(1).tensor("w", new long[] {65536, 32768}, 0, 0, new byte[8]).bytes())
        .getMessage();
    assertTrue(m.contains("tensor 'w'") && m.contains("refused before allocating"), m);
    // 2^28 dense floats in a tiny file
    m = refused(new Raw().tensors(1).tensor("w", new long[] {1 << 14, 1 << 14}, 0, 0, new byte[8]).bytes())
        .getMessage();
    assertTrue(m.contains("tensor 'w'") && m.contains("needs 1073741824 bytes"), m);
    // 2^30 sparse elements from one entry
    m = refused(new Raw().tensors(1).tensor("w", new long[] {1 << 30}, 1, 1, new byte[5]).bytes()).getMessage();
    assertTrue(m.contains("can address at most 512"), m);
    // a tensor count no header could hold
    m = refused(new Raw().tensors(-1).bytes()).getMessage();
    assertTrue(m.contains("'tensorCount' is 4294967295"), m);
    // a header length beyond the file
    byte[] ok = new Raw().tensors(0).bytes();
    ByteBuffer.wrap(ok).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 1 << 30);
    assertTrue(refused(ok).getMessage().contains("'headerLength' is 1073741824 bytes, above the limit"));
    // the cap on the total
    LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
    t.put("w", new Tensor(new int[] {1000}, new float[1000]));
    Path file = dir.resolve("capped.a4jc");
    CompactModelWriter.write(file, t, Map.of());
    m = assertThrows(CompactFormatException.class, () -> CompactModelReader.read(file, 999)).getMessage();
    assertTrue(m.contains("above the limit of 999"), m);
  }

  @Test
  void outOfRangeIndicesAndBadFieldsAreRefused() throws IOException {
    // two entries with gaps 3 and 2 land at 3 and 6: outside 5 elements
    byte[] data = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f)
        .put((byte) 3).put((byte) 2).array();
    String m = refused(new Raw().tensors(1).tensor("fc", new long[] {5}, 1, 2, data).bytes()).getMessage();
    assertTrue(m.contains("tensor 'fc'") && m.contains("entry 1 lands at index 6, outside its 5 elements"), m);
    m = refused(new Raw().tensors(1).tensor("fc", new long[] {5}, 7, 0, new byte[0]).bytes()).getMessage();
    assertTrue(m.contains("field 'encoding' is 7"), m);
    m = refused(new Raw().tensors(1).tensor("fc", new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, 0, 0, new byte[4])
        .bytes()).getMessage();
    assertTrue(m.contains("field 'rank' is 9"), m);
    m = refused(new Raw().tensors(2).tensor("a", new long[] {1}, 0, 0, new byte[4])
        .tensor("a", new long[] {1}, 0, 0, new byte[4]).bytes()).getMessage();
    assertTrue(m.contains("duplicate"), m);
    m = refused(new Raw().tensors(1).tensor("fc", new long[] {5}, 1, 6, new byte[30]).bytes()).getMessage();
    assertTrue(m.contains("more than its 5 elements"), m);
    // a header that stops inside an entry, checksum valid
    Raw cut = new Raw().tensors(1);
    cut.header.putShort((short) 1).put((byte) 'w').put((byte) 8);
    for (int d = 0; d < 8; d++) {
      cut.header.putInt(1);
    }
    m = refused(cut.bytes()).getMessage();
    assertTrue(m.contains("ends inside tensor 'w' (1 of 1) field 'encoding'"), m);
    // trailing garbage
    byte[] good = new Raw().tensors(1).tensor("b", new long[] {1}, 0, 0, new byte[4]).bytes();
    m = refused(Arrays.copyOf(good, good.length + 3)).getMessage();
    assertTrue(m.contains("3 unexpected bytes"), m);
  }
}
