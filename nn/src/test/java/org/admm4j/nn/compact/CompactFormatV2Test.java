package org.admm4j.nn.compact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.admm4j.nn.io.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format version 2: coded (quantized) tensors, the varint header, deflate, and what the reader refuses. */
class CompactFormatV2Test {

  @TempDir
  Path dir;

  /** A LeNet-5-like model at 350× whose weights take {@code levels} values per layer; biases float. */
  private static LinkedHashMap<String, Tensor> quantized(long seed, int levels) {
    SplittableRandom r = new SplittableRandom(seed);
    LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
    int[][] shapes = {{20, 1, 5, 5}, {50, 20, 5, 5}, {500, 800}, {10, 500}};
    int[] kept = {200, 500, 420, 105};
    String[] names = {"conv1", "conv2", "fc1", "fc2"};
    for (int l = 0; l < 4; l++) {
      int n = 1;
      for (int d : shapes[l]) {
        n *= d;
      }
      float[] book = new float[levels];
      for (int i = 0; i < levels; i++) {
        book[i] = (float) r.nextGaussian();
      }
      float[] w = new float[n];
      for (int k = 0; k < kept[l]; k++) {
        w[r.nextInt(n)] = book[r.nextInt(levels)];
      }
      t.put(names[l] + ".weight", new Tensor(shapes[l], w));
      float[] b = new float[shapes[l][0]];
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) r.nextGaussian();
      }
      t.put(names[l] + ".bias", new Tensor(new int[] {b.length}, b));
    }
    return t;
  }

  private static void assertSame(LinkedHashMap<String, Tensor> a, CompactModel b) {
    assertEquals(a.keySet(), b.tensors().keySet());
    for (Map.Entry<String, Tensor> e : a.entrySet()) {
      assertArrayEquals(e.getValue().shape(), b.tensors().get(e.getKey()).shape(), e.getKey());
      float[] x = e.getValue().data();
      float[] y = b.tensors().get(e.getKey()).data();
      assertEquals(x.length, y.length);
      for (int i = 0; i < x.length; i++) {
        assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), e.getKey() + "[" + i + "]");
      }
    }
  }

  @Test
  void quantizedModelsRoundTripBitForBitAndAreCoded() throws IOException {
    for (int levels : new int[] {1, 2, 3, 6, 14, 255}) {
      LinkedHashMap<String, Tensor> t = quantized(levels, levels);
      Path v2 = dir.resolve("q" + levels + ".a4jc");
      Path v1 = dir.resolve("q" + levels + "-v1.a4jc");
      CompactModelWriter.write(v2, t, Map.of("admm4j.model", "lenet5"));
      CompactModelWriter.writeVersion1(v1, t, Map.of("admm4j.model", "lenet5"));
      assertSame(t, CompactModelReader.read(v2));
      assertSame(t, CompactModelReader.read(v1));
      long a = Files.size(v2);
      long b = Files.size(v1);
      // v1 spends 5 bytes per entry plus fillers over fc1's 400,000 positions; coded weights cost under 2 bytes
      assertTrue(a < b / 2, levels + " levels: v2 " + a + " bytes, v1 " + b);
    }
  }

  @Test
  void awkwardValuesRoundTrip() throws IOException {
    LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
    float[] odd = new float[1000];
    odd[0] = -0f;
    odd[3] = Float.intBitsToFloat(0x7fc00123);
    odd[999] = Float.MIN_VALUE;
    odd[998] = -0f;
    t.put("odd", new Tensor(new int[] {1000}, odd));
    float[] far = new float[3_000_000];
    far[2_999_999] = 1f;
    far[0] = 1f;
    t.put("far", new Tensor(new int[] {3_000_000}, far));
    t.put("one", new Tensor(new int[] {1}, new float[] {2f}));
    t.put("scalar", new Tensor(new int[0], new float[] {3f}));
    t.put("empty", new Tensor(new int[] {0}, new float[0]));
    t.put("zeros", new Tensor(new int[] {7}, new float[7]));
    Path f = dir.resolve("odd.a4jc");
    CompactModelWriter.write(f, t, Map.of());
    assertSame(t, CompactModelReader.read(f));
    CompactModelWriter.write(f, t, Map.of(), false);
    assertSame(t, CompactModelReader.read(f));
    // the 3-million-element tensor with two entries costs a few bytes, not 3 MB of gaps or 58,000 fillers
    assertTrue(Files.size(f) < 200, Files.size(f) + " bytes");
  }

  @Test
  void aLongHeaderIsDeflated() throws IOException {
    LinkedHashMap<String, Tensor> t = quantized(3, 3);
    String spec = "{\"layers\": [" + "{\"type\": \"conv2d\", \"kernel\": 5, \"stride\": 1}, ".repeat(20) + "]}";
    Path packed = dir.resolve("packed.a4jc");
    Path raw = dir.resolve("raw.a4jc");
    CompactModelWriter.write(packed, t, Map.of("admm4j.spec", spec));
    CompactModelWriter.write(raw, t, Map.of("admm4j.spec", spec), false);
    byte[] p = Files.readAllBytes(packed);
    assertEquals(CompactFormat.FLAG_DEFLATED, p[6] & CompactFormat.FLAG_DEFLATED);
    assertEquals(0, Files.readAllBytes(raw)[6] & CompactFormat.FLAG_DEFLATED);
    assertTrue(p.length + 500 < Files.size(raw), p.length + " vs " + Files.size(raw));
    assertEquals(spec, CompactModelReader.read(packed).metadata().get("admm4j.spec"));
    assertSame(t, CompactModelReader.read(packed));
  }

  // ---- hostile files: valid checksums, bad fields ---------------------------------------------------

  private static void varint(ByteArrayOutputStream o, long v) {
    while (v >= 0x80) {
      o.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    o.write((int) v);
  }

  /** A v2 file of one tensor with a raw header and correct checksums. */
  private Path file(int[] shape, int encoding, long entries, byte[] payload, int flags, byte[] headerOverride)
      throws IOException {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    varint(h, 0);
    varint(h, 1);
    varint(h, 1);
    h.write('t');
    h.write(shape.length);
    for (int d : shape) {
      varint(h, d);
    }
    h.write(encoding);
    varint(h, entries);
    varint(h, payload.length);
    CRC32 c = new CRC32();
    c.update(payload);
    int crc = (int) c.getValue();
    h.write(crc);
    h.write(crc >>> 8);
    h.write(crc >>> 16);
    h.write(crc >>> 24);
    byte[] header = headerOverride != null ? headerOverride : h.toByteArray();
    CRC32 hc = new CRC32();
    hc.update(header);
    ByteBuffer pre = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    pre.put(CompactFormat.MAGIC).putShort((short) 2).putShort((short) flags).putInt(header.length)
        .putInt((int) hc.getValue());
    Path f = dir.resolve("hostile.a4jc");
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(pre.array());
    all.writeBytes(header);
    all.writeBytes(payload);
    Files.write(f, all.toByteArray());
    return f;
  }

  private String refused(Path f, long cap) {
    return assertThrows(CompactFormatException.class, () -> CompactModelReader.read(f, cap)).getMessage();
  }

  /** A coded payload: 1 level (1.0), gap alphabet {@code g} with code lengths, then {@code stream}. */
  private static byte[] coded(int[] gapLengths, byte... stream) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(1);
    o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).array());
    o.write(gapLengths.length);
    for (int s = 0; s < gapLengths.length && gapLengths.length > 1; s += 2) {
      o.write(gapLengths[s] << 4 | (s + 1 < gapLengths.length ? gapLengths[s + 1] : 0));
    }
    o.writeBytes(stream);
    return o.toByteArray();
  }

  @Test
  void hostileFieldsAreRefusedByName() throws IOException {
    // a coded tensor declaring 2^30 elements in a 40-byte file: the cap refuses it before allocating
    String m = refused(file(new int[] {1 << 15, 1 << 15}, 2, 1, coded(new int[] {1, 1}, (byte) 0), 0, null), 1 << 16);
    assertTrue(m.contains("above the limit of 65536"), m);
    // gap classes {0: "0", 1: "1"}: entry 0 at gap class 1 with raw bit 1 → index 2 of a 2-element tensor
    m = refused(file(new int[] {2}, 2, 1, coded(new int[] {1, 1}, (byte) 0b1100_0000), 0, null), 1 << 16);
    assertTrue(m.contains("tensor 't'") && m.contains("lands at index 2"), m);
    // over-subscribed gap table
    m = refused(file(new int[] {8}, 2, 1, coded(new int[] {1, 1, 1}, (byte) 0), 0, null), 1 << 16);
    assertTrue(m.contains("codeLengths") && m.contains("over-subscribe"), m);
    // more entries than elements
    m = refused(file(new int[] {2}, 2, 3, coded(new int[] {1, 1}, (byte) 0), 0, null), 1 << 16);
    assertTrue(m.contains("entries") && m.contains("coded tensor"), m);
    // the stream ends before the second entry
    m = refused(file(new int[] {4}, 2, 2, coded(new int[] {1, 1}), 0, null), 1 << 16);
    assertTrue(m.contains("entry 0") && m.contains("gap code"), m);
    // a byte after the last entry
    m = refused(file(new int[] {4}, 2, 1, coded(new int[] {1, 1}, (byte) 0, (byte) 0), 0, null), 1 << 16);
    assertTrue(m.contains("after the last of 1 entries"), m);
    // level 0 of the codebook is +0
    byte[] zeroLevel = coded(new int[] {1, 1}, (byte) 0);
    zeroLevel[1] = zeroLevel[2] = zeroLevel[3] = zeroLevel[4] = 0;
    m = refused(file(new int[] {4}, 2, 1, zeroLevel, 0, null), 1 << 16);
    assertTrue(m.contains("level 0 is +0"), m);
    // unknown flags, unknown encoding
    m = refused(file(new int[] {4}, 2, 1, coded(new int[] {1, 1}, (byte) 0), 10, null), 1 << 16);
    assertTrue(m.contains("'flags' is 10"), m);
    m = refused(file(new int[] {4}, 7, 1, coded(new int[] {1, 1}, (byte) 0), 0, null), 1 << 16);
    assertTrue(m.contains("'encoding' is 7"), m);
    // a varint of 6 bytes
    m = refused(file(new int[] {4}, 2, 1, new byte[6], 0, new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, (byte) 0x80, 0}), 1 << 16);
    assertTrue(m.contains("longer than 5 bytes"), m);
  }

  @Test
  void aDeflateBombIsRefusedBeforeInflating() throws IOException {
    // declares a 16 MiB header behind 8 deflated bytes
    ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(16 << 20);
    String m = refused(file(new int[] {4}, 2, 1, new byte[0], CompactFormat.FLAG_DEFLATED, h.array()), 1 << 16);
    assertTrue(m.contains("rawLength") && m.contains("refused before inflating"), m);
    ByteBuffer g = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(100).putInt(0x12345678);
    m = refused(file(new int[] {4}, 2, 1, new byte[0], CompactFormat.FLAG_DEFLATED, g.array()), 1 << 16);
    assertTrue(m.contains("deflate"), m);
  }
}
