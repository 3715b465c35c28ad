package org.admm4j.nn.compact;

import static org.admm4j.nn.compact.CompactFormat.DENSE;
import static org.admm4j.nn.compact.CompactFormat.MAX_RANK;
import static org.admm4j.nn.compact.CompactFormat.SPAN;
import static org.admm4j.nn.compact.CompactFormat.SPARSE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.admm4j.nn.io.AtomicFile;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.Tensor;

/**
 * Writes tensors in the compact format ({@link CompactFormat}), losslessly: each tensor in the smallest of its
 * encodings (dense, sparse, coded, gapped). A model's file goes through {@link CompactExport}, which first drops
 * what its predictions do not need.
 */
public final class CompactModelWriter {

  private CompactModelWriter() {}

  /**
   * Writes {@code tensors} (in map order) and {@code metadata} to {@code file} atomically: a temporary file
   * in the same directory, then a move over the target, so readers never see half a file.
   *
   * @throws IllegalArgumentException on an empty or over-long name, a rank above 8, or a key or value too long
   * @throws IOException when the file cannot be written (the target is left as it was)
   */
  public static void write(Path file, LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    write(file, tensors, metadata, true);
  }

  /**
   * {@link #write(Path, LinkedHashMap, Map)} choosing whether the header is deflated (it is only when that is
   * smaller); tests write raw headers to reach the fields behind the compression.
   */
  static void write(Path file, LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata, boolean deflate)
      throws IOException {
    List<Encoded> encoded = new ArrayList<>(tensors.size());
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      encoded.add(encode(e.getKey(), e.getValue()));
    }
    Map<String, String> meta = metadata == null ? Map.of() : metadata;
    boolean zoo = impliesTensorTable(tensors, meta);
    byte[] raw = headerV2(encoded, meta, zoo);
    byte[] stored = raw;
    int flags = (zoo ? CompactFormat.FLAG_ZOO_TENSORS : 0) | CompactFormat.FLAG_SHORT_METADATA;
    if (deflate) {
      byte[] packed = deflated(raw);
      if (packed.length < raw.length && raw.length <= (long) CompactFormat.MAX_INFLATE_RATIO * packed.length) {
        stored = packed;
        flags |= CompactFormat.FLAG_DEFLATED;
      }
    }
    ByteBuffer preamble = ByteBuffer.allocate(CompactFormat.PREAMBLE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    preamble.put(CompactFormat.MAGIC).putShort((short) CompactFormat.VERSION).putShort((short) flags)
        .putInt(stored.length).putInt((int) crc(stored));
    byte[] header = stored;
    AtomicFile.write(file, out -> {
      out.write(preamble.array());
      out.write(header);
      for (Encoded t : encoded) {
        out.write(t.payload);
      }
    });
  }

  /**
   * Whether the tensors are exactly those of the zoo model the metadata names (and no spec of its own is
   * stored): their names and shapes then go unwritten ({@link CompactFormat#FLAG_ZOO_TENSORS}).
   */
  private static boolean impliesTensorTable(Map<String, Tensor> tensors, Map<String, String> metadata) {
    if (metadata.containsKey(ModelMetadata.SPEC)) {
      return false;
    }
    ZooTensorTable table = ZooTensorTable.of(metadata.get(ModelMetadata.MODEL), Long.MAX_VALUE);
    return table != null && table.matches(tensors);
  }

  /** Writes version 1 (dense or sparse F32 tensors, raw header): for tests of the version 1 reader. */
  static void writeVersion1(Path file, LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    List<Encoded> encoded = new ArrayList<>(tensors.size());
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      encoded.add(encodeV1(e.getKey(), e.getValue()));
    }
    byte[] header = header(encoded, metadata == null ? Map.of() : metadata);
    ByteBuffer preamble = ByteBuffer.allocate(CompactFormat.PREAMBLE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    preamble.put(CompactFormat.MAGIC).putShort((short) CompactFormat.VERSION_1).putShort((short) 0)
        .putInt(header.length).putInt((int) crc(header));

    AtomicFile.write(file, out -> {
      out.write(preamble.array());
      out.write(header);
      for (Encoded t : encoded) {
        out.write(t.payload);
      }
    });
  }

  /** Bytes the tensor would take in the file's payload section (header entry excluded). */
  public static long payloadBytes(Tensor t) {
    return encode("t", t).payload.length;
  }

  private record Encoded(byte[] name, int[] shape, byte encoding, int entries, byte[] payload) {}

  /**
   * The smallest of dense, sparse, coded (when the non-zeros take at most 255 values; half levels when they are
   * halves) and gapped.
   */
  private static Encoded encode(String name, Tensor t) {
    Encoded best = encodeV1(name, t);
    // half levels when every level is a half: the same stream with a codebook 2 bytes a level smaller
    byte[] half = CodedTensor.encodeHalfLevels(t.data());
    byte[] coded = half != null ? half : CodedTensor.encode(t.data());
    if (coded != null && coded.length < best.payload.length) {
      byte encoding = half != null ? CompactFormat.CODED_HALF : CompactFormat.CODED;
      best = new Encoded(best.name, best.shape, encoding, CodedTensor.entries(t.data()), coded);
    }
    byte[] gapped = GappedTensor.encode(t.data());
    if (gapped != null && gapped.length < best.payload.length) {
      best = new Encoded(best.name, best.shape, CompactFormat.GAPPED, CodedTensor.entries(t.data()), gapped);
    }
    return best;
  }

  private static Encoded encodeV1(String name, Tensor t) {
    byte[] nameBytes = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
    if (nameBytes.length == 0 || nameBytes.length > 0xFFFF) {
      throw new IllegalArgumentException("tensor name must have 1 to 65535 UTF-8 bytes: '" + name + "'");
    }
    int[] shape = t.shape();
    if (shape.length > MAX_RANK) {
      throw new IllegalArgumentException("tensor '" + name + "' has rank " + shape.length + ", at most "
          + MAX_RANK + " is supported");
    }
    float[] data = t.data();
    int entries = sparseEntries(data);
    if (5L * entries >= 4L * data.length) {
      ByteBuffer payload = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
      payload.asFloatBuffer().put(data);
      return new Encoded(nameBytes, shape, DENSE, 0, payload.array());
    }
    ByteBuffer payload = ByteBuffer.allocate(5 * entries).order(ByteOrder.LITTLE_ENDIAN);
    int gapAt = 4 * entries;
    int last = -1;
    for (int i = 0; i < data.length; i++) {
      if (isZero(data[i])) {
        continue;
      }
      // fillers (value 0, gap 255) while the gap does not fit a byte
      while (i - last > SPAN) {
        payload.putFloat(0f);
        payload.put(gapAt++, (byte) (SPAN - 1));
        last += SPAN;
      }
      payload.putFloat(data[i]);
      payload.put(gapAt++, (byte) (i - last - 1));
      last = i;
    }
    // fillers over the trailing zeros, so that elements ≤ 256·(entries + 1) holds
    while (data.length - 1 - last >= SPAN) {
      payload.putFloat(0f);
      payload.put(gapAt++, (byte) (SPAN - 1));
      last += SPAN;
    }
    return new Encoded(nameBytes, shape, SPARSE, entries, payload.array());
  }

  /** Stored entries of the sparse encoding: non-zeros plus the fillers that bridge long runs of zeros. */
  static int sparseEntries(float[] data) {
    long entries = 0;
    int last = -1;
    for (int i = 0; i < data.length; i++) {
      if (!isZero(data[i])) {
        entries += (i - last - 1) / SPAN + 1;
        last = i;
      }
    }
    // fillers for the trailing zeros: until the last element lies within one span of the last entry
    int tail = data.length - 1 - last;
    entries += tail / SPAN;
    return (int) Math.min(entries, Integer.MAX_VALUE);
  }

  /** +0 only: −0 and NaN are stored, so every float comes back bit for bit. */
  private static boolean isZero(float v) {
    return Float.floatToRawIntBits(v) == 0;
  }

  private static byte[] header(List<Encoded> tensors, Map<String, String> metadata) {
    int size = 8;
    List<byte[]> strings = new ArrayList<>();
    for (Map.Entry<String, String> m : metadata.entrySet()) {
      byte[] k = m.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] v = m.getValue().getBytes(StandardCharsets.UTF_8);
      if (k.length > 0xFFFF || v.length > CompactFormat.MAX_HEADER_BYTES / 2) {
        throw new IllegalArgumentException("metadata key or value too long: '" + m.getKey() + "'");
      }
      strings.add(k);
      strings.add(v);
      size += 6 + k.length + v.length;
    }
    for (Encoded t : tensors) {
      size += 2 + t.name.length + 1 + 4 * t.shape.length + 1 + 4 + 4;
    }
    if (size > CompactFormat.MAX_HEADER_BYTES) {
      throw new IllegalArgumentException("header of " + size + " bytes exceeds " + CompactFormat.MAX_HEADER_BYTES);
    }
    ByteBuffer h = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(metadata.size());
    for (int i = 0; i < strings.size(); i += 2) {
      h.putShort((short) strings.get(i).length).put(strings.get(i));
      h.putInt(strings.get(i + 1).length).put(strings.get(i + 1));
    }
    h.putInt(tensors.size());
    for (Encoded t : tensors) {
      h.putShort((short) t.name.length).put(t.name).put((byte) t.shape.length);
      for (int d : t.shape) {
        h.putInt(d);
      }
      h.put(t.encoding).putInt(t.entries).putInt((int) crc(t.payload));
    }
    return h.array();
  }

  private static byte[] headerV2(List<Encoded> tensors, Map<String, String> metadata, boolean zooTensors) {
    java.io.ByteArrayOutputStream h = new java.io.ByteArrayOutputStream();
    varint(h, metadata.size());
    for (Map.Entry<String, String> m : metadata.entrySet()) {
      byte[] k = m.getKey().getBytes(StandardCharsets.UTF_8);
      int id = WellKnownMetadata.id(m.getKey(), m.getValue());
      String value = id < 0 ? m.getValue() : WellKnownMetadata.encode(m.getKey(), m.getValue());
      byte[] v = value.getBytes(StandardCharsets.UTF_8);
      if (k.length > 0xFFFF || v.length > CompactFormat.MAX_HEADER_BYTES / 2) {
        throw new IllegalArgumentException("metadata key or value too long: '" + m.getKey() + "'");
      }
      if (k.length == 0) {
        // an empty key would read as a well-known id (FLAG_SHORT_METADATA)
        throw new IllegalArgumentException("metadata keys must not be empty");
      }
      if (id >= 0) {
        varint(h, 0);
        h.write(id);
      } else {
        varint(h, k.length);
        h.writeBytes(k);
      }
      varint(h, v.length);
      h.writeBytes(v);
    }
    varint(h, tensors.size());
    CRC32 payloads = new CRC32();
    for (Encoded t : tensors) {
      if (!zooTensors) {
        varint(h, t.name.length);
        h.writeBytes(t.name);
        h.write(t.shape.length);
        for (int d : t.shape) {
          varint(h, d);
        }
      }
      h.write(t.encoding);
      varint(h, t.entries);
      varint(h, t.payload.length);
      payloads.update(t.payload);
    }
    int c = (int) payloads.getValue();
    h.write(c);
    h.write(c >>> 8);
    h.write(c >>> 16);
    h.write(c >>> 24);
    if (h.size() > CompactFormat.MAX_HEADER_BYTES) {
      throw new IllegalArgumentException("header of " + h.size() + " bytes exceeds " + CompactFormat.MAX_HEADER_BYTES);
    }
    return h.toByteArray();
  }

  private static void varint(java.io.ByteArrayOutputStream out, long v) {
    while (v >= 0x80) {
      out.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** u32 raw length, then the DEFLATE stream (no zlib wrapper) at the best compression. */
  private static byte[] deflated(byte[] raw) {
    java.util.zip.Deflater d = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION, true);
    d.setInput(raw);
    d.finish();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(raw.length);
    out.writeBytes(len.array());
    byte[] buf = new byte[4096];
    while (!d.finished()) {
      int n = d.deflate(buf);
      out.write(buf, 0, n);
    }
    d.end();
    return out.toByteArray();
  }

  static long crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }
}
