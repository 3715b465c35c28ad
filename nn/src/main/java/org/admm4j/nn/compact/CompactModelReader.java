package org.admm4j.nn.compact;

import static org.admm4j.nn.compact.CompactFormat.DENSE;
import static org.admm4j.nn.compact.CompactFormat.SPAN;
import static org.admm4j.nn.compact.CompactFormat.SPARSE;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.admm4j.nn.Models;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.Tensor;
import org.admm4j.nn.spec.SpecException;

/**
 * Reads compact model files ({@link CompactFormat}), validating everything before the allocation it
 * guards: the preamble (magic, version), the header's length against the file and a 16 MiB cap, its
 * checksum, every field of it (counts against the bytes left, ranks, dimensions, encodings), then the
 * payload sizes the header implies against the file size, and the decoded element total against a cap.
 * Only then is a tensor's payload read, its checksum compared, and its relative indices decoded, each
 * checked to stay inside the tensor. Every refusal is a {@link CompactFormatException} naming the file, the
 * tensor and the field.
 */
public final class CompactModelReader {

  private CompactModelReader() {}

  /** {@link #read(Path, long)} with a cap of 2^28 floats (1 GiB) over all tensors. */
  public static CompactModel read(Path file) throws IOException {
    return read(file, CompactFormat.DEFAULT_MAX_ELEMENTS);
  }

  /**
   * Reads and validates a compact model file.
   *
   * @param maxElements the most floats the tensors may hold in all once dense again
   * @throws CompactFormatException when the file is truncated, corrupt or declares more than it may
   * @throws IOException when the file cannot be read
   */
  public static CompactModel read(Path file, long maxElements) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return new CompactModelReader.Parse(file, ch).run(maxElements);
    }
  }

  /** One tensor's header entry. */
  private record Entry(String name, int index, int[] shape, int elements, byte encoding, int entries, int crc,
      long offset, long length) {

    String label(int count) {
      return "tensor '" + name + "' (" + (index + 1) + " of " + count + ")";
    }
  }

  private static final class Parse {
    final Path file;
    final FileChannel ch;
    final long size;

    Parse(Path file, FileChannel ch) throws IOException {
      this.file = file;
      this.ch = ch;
      this.size = ch.size();
    }

    CompactModel run(long maxElements) throws IOException {
      // preamble
      if (size < CompactFormat.PREAMBLE_BYTES) {
        throw fail("the file has " + size + " bytes, fewer than the " + CompactFormat.PREAMBLE_BYTES
            + "-byte preamble (truncated, or not a compact model)");
      }
      ByteBuffer pre = readAt(0, CompactFormat.PREAMBLE_BYTES);
      byte[] magic = new byte[4];
      pre.get(magic);
      if (!Arrays.equals(magic, CompactFormat.MAGIC)) {
        throw fail("bad magic: expected 41 34 4A 43 (\"A4JC\"), found " + hex(magic) + ": not an admm4j compact model");
      }
      int version = Short.toUnsignedInt(pre.getShort());
      if (version == 2) {
        return new V2().run(pre, maxElements);
      }
      if (version != CompactFormat.VERSION_1) {
        throw fail("unsupported version " + version + " (this reader knows versions 1 and 2)");
      }
      int reserved = Short.toUnsignedInt(pre.getShort());
      if (reserved != 0) {
        throw fail("preamble field 'reserved' is " + reserved + ", expected 0 (corrupt file)");
      }
      // header: checksum first, then every field
      ByteBuffer header = checkedHeader(pre);
      long headerLength = header.capacity();
      Cursor h = new Cursor(header);
      Map<String, String> metadata = readMetadata(h);
      List<Entry> entries = readTensorTable(h, CompactFormat.PREAMBLE_BYTES + headerLength);
      if (header.hasRemaining()) {
        throw fail("header has " + header.remaining() + " bytes after the last tensor entry (corrupt file)");
      }

      // sizes the header implies, against the file and the cap, before any payload allocation
      long total = 0;
      long end = CompactFormat.PREAMBLE_BYTES + headerLength;
      for (Entry e : entries) {
        total += e.elements;
        end = e.offset + e.length;
        if (end > size) {
          String field = e.encoding == SPARSE && e.offset + 4L * e.entries <= size ? "gaps" : "values";
          throw fail("truncated: " + e.label(entries.size()) + " field '" + field + "' needs bytes [" + e.offset
              + ", " + end + ") but the file ends at " + size);
        }
      }
      if (end != size) {
        throw fail((size - end) + " unexpected bytes after the last tensor (corrupt file)");
      }
      if (total > maxElements) {
        throw fail("the tensors hold " + total + " floats in all, above the limit of " + maxElements);
      }

      // payloads
      LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
      for (Entry e : entries) {
        ByteBuffer payload = readAt(e.offset, (int) e.length);
        CRC32 c = new CRC32();
        c.update(payload.duplicate());
        if ((int) c.getValue() != e.crc) {
          throw fail(e.label(entries.size()) + ": payload checksum mismatch: stored " + Integer.toHexString(e.crc)
              + ", computed " + Long.toHexString(c.getValue()) + " (corrupt file)");
        }
        tensors.put(e.name, new Tensor(e.shape, decode(e, entries.size(), payload)));
      }
      return new CompactModel(tensors, metadata);
    }

    private Map<String, String> readMetadata(Cursor h) throws CompactFormatException {
      h.context = "metadata";
      long count = h.u32("metadataCount");
      if (count > h.remaining() / 6) {
        throw fail("header field 'metadataCount' is " + count + " but " + h.remaining()
            + " header bytes cannot hold that many entries");
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        h.context = "metadata entry " + (i + 1);
        String key = h.utf8(h.u16("keyLength"), "key");
        String value = h.utf8(h.u32("valueLength"), "value");
        if (metadata.put(key, value) != null) {
          throw fail("metadata key '" + key + "' appears twice");
        }
      }
      return metadata;
    }

    private List<Entry> readTensorTable(Cursor h, long payloadStart) throws CompactFormatException {
      h.context = "tensor table";
      long count = h.u32("tensorCount");
      // the smallest entry: 1-byte name, rank 0, encoding, entries, crc
      if (count > h.remaining() / 14) {
        throw fail("header field 'tensorCount' is " + count + " but " + h.remaining()
            + " header bytes cannot hold that many tensors");
      }
      List<Entry> entries = new ArrayList<>((int) count);
      java.util.Set<String> names = new java.util.HashSet<>();
      long offset = payloadStart;
      for (int i = 0; i < count; i++) {
        h.context = "tensor " + (i + 1) + " of " + count;
        String name = h.utf8(h.u16("nameLength"), "name");
        if (name.isEmpty() || !names.add(name)) {
          throw fail(h.context + ": name '" + name + "' is " + (name.isEmpty() ? "empty" : "a duplicate"));
        }
        h.context = "tensor '" + name + "' (" + (i + 1) + " of " + count + ")";
        int rank = h.u8("rank");
        if (rank > CompactFormat.MAX_RANK) {
          throw fail(h.context + ": field 'rank' is " + rank + ", at most " + CompactFormat.MAX_RANK);
        }
        int[] shape = new int[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++) {
          long dim = h.u32("shape");
          elements *= dim;
          if (dim > Integer.MAX_VALUE || elements > Integer.MAX_VALUE - 8) {
            throw fail(h.context + ": field 'shape' declares more than " + (Integer.MAX_VALUE - 8)
                + " elements (dimension " + d + " = " + dim + "): refused before allocating");
          }
          shape[d] = (int) dim;
        }
        int encoding = h.u8("encoding");
        long stored = h.u32("entries");
        int crc = (int) h.u32("crc32");
        long length;
        if (encoding == DENSE) {
          if (stored != 0) {
            throw fail(h.context + ": field 'entries' is " + stored + " for a dense tensor, expected 0");
          }
          length = 4 * elements;
        } else if (encoding == SPARSE) {
          if (stored > elements) {
            throw fail(h.context + ": field 'entries' is " + stored + ", more than its " + elements + " elements");
          }
          if (elements > SPAN * (stored + 1)) {
            throw fail(h.context + ": field 'shape' declares " + elements + " elements but " + stored
                + " entries can address at most " + SPAN * (stored + 1) + " (corrupt or hostile size)");
          }
          length = 5 * stored;
        } else {
          throw fail(h.context + ": field 'encoding' is " + encoding + ", expected 0 (dense) or 1 (sparse)");
        }
        if (length > Integer.MAX_VALUE - 8) {
          throw fail(h.context + ": payload of " + length + " bytes exceeds the 2 GiB this reader can hold");
        }
        if (length > size) {
          throw fail("truncated: " + h.context + " field 'values' needs " + length + " bytes but the whole file has "
              + size + ": refused before allocating");
        }
        entries.add(new Entry(name, i, shape, (int) elements, (byte) encoding, (int) stored, crc, offset, length));
        offset += length;
      }
      return entries;
    }

    private float[] decode(Entry e, int count, ByteBuffer payload) throws CompactFormatException {
      float[] data = new float[e.elements];
      if (e.encoding == DENSE) {
        payload.asFloatBuffer().get(data);
        return data;
      }
      int gapsAt = 4 * e.entries;
      int position = -1;
      for (int k = 0; k < e.entries; k++) {
        position += Byte.toUnsignedInt(payload.get(gapsAt + k)) + 1;
        if (position >= e.elements) {
          throw fail(e.label(count) + ": field 'gaps': entry " + k + " lands at index " + position
              + ", outside its " + e.elements + " elements (corrupt file)");
        }
        data[position] = payload.getFloat(4 * k);
      }
      return data;
    }

    /**
     * The header both versions place after the preamble: its length and CRC read from the preamble's
     * last two fields (at {@code pre}'s position), the length checked against the limit and the file, the
     * bytes read and checked against the CRC.
     */
    private ByteBuffer checkedHeader(ByteBuffer pre) throws IOException {
      long headerLength = Integer.toUnsignedLong(pre.getInt());
      int headerCrc = pre.getInt();
      if (headerLength > CompactFormat.MAX_HEADER_BYTES) {
        throw fail("preamble field 'headerLength' is " + headerLength + " bytes, above the limit of "
            + CompactFormat.MAX_HEADER_BYTES);
      }
      if (headerLength > size - CompactFormat.PREAMBLE_BYTES) {
        throw fail("truncated: preamble field 'headerLength' declares " + headerLength + " header bytes but only "
            + (size - CompactFormat.PREAMBLE_BYTES) + " follow the preamble");
      }
      ByteBuffer header = readAt(CompactFormat.PREAMBLE_BYTES, (int) headerLength);
      CRC32 crc = new CRC32();
      crc.update(header.duplicate());
      if ((int) crc.getValue() != headerCrc) {
        throw fail("header checksum mismatch: stored " + Integer.toHexString(headerCrc) + ", computed "
            + Long.toHexString(crc.getValue()) + " (corrupt file)");
      }
      return header;
    }

    private ByteBuffer readAt(long position, int length) throws IOException {
      ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
      while (buf.hasRemaining()) {
        int n = ch.read(buf, position + buf.position());
        if (n < 0) {
          throw fail("truncated: the file ended at byte " + (position + buf.position()) + " while " + length
              + " bytes from " + position + " were expected");
        }
      }
      return buf.flip();
    }

    /** Version 2: varint header, optionally deflated, one CRC over the payloads, coded tensors. */
    private final class V2 {

      /** The names and shapes a zoo-table file leaves to the zoo model its metadata names. */
      private ZooTensorTable zooTable(Map<String, String> metadata, long tensorCount, long maxElements)
          throws CompactFormatException {
        String model = metadata.get(ModelMetadata.MODEL);
        ZooTensorTable table;
        try {
          table = ZooTensorTable.of(model, maxElements);
        } catch (SpecException e) {
          throw fail(overCap(model, maxElements));
        }
        if (table != null && table.elements() > maxElements) {
          throw fail(overCap(model, maxElements));
        }
        if (table == null) {
          throw fail("preamble flag 'zoo tensor table' is set but metadata 'model' is "
              + (model == null ? "absent" : "'" + model + "'") + ", not one of the zoo models " + Models.names()
              + " (corrupt file)");
        }
        if (tensorCount != table.size()) {
          throw fail("header field 'tensorCount' is " + tensorCount + " but the zoo model '" + model + "' has "
              + table.size() + " tensors (corrupt file)");
        }
        return table;
      }

      private String overCap(String model, long maxElements) {
        return "the tensor table is the zoo model '" + model + "''s, whose tensors exceed the limit of " + maxElements
            + " floats: refused before allocating";
      }

      CompactModel run(ByteBuffer pre, long maxElements) throws IOException {
        int flags = Short.toUnsignedInt(pre.getShort());
        if ((flags & ~CompactFormat.KNOWN_FLAGS) != 0) {
          throw fail("preamble field 'flags' is " + flags + ": only bits 0 (deflated header), 1 (zoo tensor"
              + " table) and 2 (well-known metadata keys) are defined (corrupt file)");
        }
        ByteBuffer stored = checkedHeader(pre);
        ByteBuffer header = (flags & CompactFormat.FLAG_DEFLATED) != 0 ? inflate(stored) : stored;
        Cursor h = new Cursor(header);
        h.context = "metadata";
        long count = varint(h, "metadataCount");
        if (count > h.remaining() / 2) {
          throw fail("header field 'metadataCount' is " + count + " but " + h.remaining()
              + " header bytes cannot hold that many entries");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
          h.context = "metadata entry " + (i + 1);
          long keyLength = varint(h, "keyLength");
          String key;
          String value;
          if (keyLength == 0 && (flags & CompactFormat.FLAG_SHORT_METADATA) != 0) {
            int id = h.u8("keyId");
            if (id >= WellKnownMetadata.KEYS.size()) {
              throw fail(h.context + ": field 'keyId' is " + id + ", expected 0.." + (WellKnownMetadata.KEYS.size() - 1)
                  + " (" + String.join(", ", WellKnownMetadata.KEYS) + ")");
            }
            key = WellKnownMetadata.KEYS.get(id);
            String shortValue = h.utf8(varint(h, "valueLength"), "value");
            try {
              value = WellKnownMetadata.decode(key, shortValue);
            } catch (IllegalArgumentException e) {
              throw fail(h.context + ": the value of '" + key + "' is not valid: " + e.getMessage());
            }
          } else {
            key = h.utf8(keyLength, "key");
            value = h.utf8(varint(h, "valueLength"), "value");
          }
          if (metadata.put(key, value) != null) {
            throw fail("metadata key '" + key + "' appears twice");
          }
        }
        h.context = "tensor table";
        long tensorCount = varint(h, "tensorCount");
        ZooTensorTable zoo = (flags & CompactFormat.FLAG_ZOO_TENSORS) != 0 ? zooTable(metadata, tensorCount, maxElements)
            : null;
        // the smallest entry: name length, 1-byte name, rank, encoding, entries, payload length (zoo table: 3)
        if (tensorCount > h.remaining() / (zoo != null ? 3 : 6)) {
          throw fail("header field 'tensorCount' is " + tensorCount + " but " + h.remaining()
              + " header bytes cannot hold that many tensors");
        }
        long payloadStart = CompactFormat.PREAMBLE_BYTES + stored.capacity();
        List<Entry> entries = new ArrayList<>((int) tensorCount);
        java.util.Set<String> names = new java.util.HashSet<>();
        long offset = payloadStart;
        long total = 0;
        for (int i = 0; i < tensorCount; i++) {
          h.context = "tensor " + (i + 1) + " of " + tensorCount;
          String name;
          int[] shape;
          long elements = 1;
          if (zoo != null) {
            name = zoo.name(i);
            shape = zoo.shape(i);
            for (int d : shape) {
              elements *= d;
            }
            h.context = "tensor '" + name + "' (" + (i + 1) + " of " + tensorCount + ", from the zoo model)";
          } else {
            name = h.utf8(varint(h, "nameLength"), "name");
            if (name.isEmpty() || !names.add(name)) {
              throw fail(h.context + ": name '" + name + "' is " + (name.isEmpty() ? "empty" : "a duplicate"));
            }
            h.context = "tensor '" + name + "' (" + (i + 1) + " of " + tensorCount + ")";
            int rank = h.u8("rank");
            if (rank > CompactFormat.MAX_RANK) {
              throw fail(h.context + ": field 'rank' is " + rank + ", at most " + CompactFormat.MAX_RANK);
            }
            shape = new int[rank];
            for (int d = 0; d < rank; d++) {
              long dim = varint(h, "shape");
              elements *= dim;
              if (dim > Integer.MAX_VALUE || elements > Integer.MAX_VALUE - 8) {
                throw fail(h.context + ": field 'shape' declares more than " + (Integer.MAX_VALUE - 8)
                    + " elements (dimension " + d + " = " + dim + "): refused before allocating");
              }
              shape[d] = (int) dim;
            }
          }
          int encoding = h.u8("encoding");
          long stored2 = varint(h, "entries");
          long length = varint(h, "payloadLength");
          String expected = null;
          if (encoding == DENSE) {
            if (stored2 != 0 || length != 4 * elements) {
              expected = "entries 0 and payloadLength " + 4 * elements + " for a dense tensor";
            }
          } else if (encoding == SPARSE) {
            if (stored2 > elements || elements > SPAN * (stored2 + 1) || length != 5 * stored2) {
              expected = "entries ≤ " + elements + ", elements ≤ 256·(entries + 1) and payloadLength 5·entries for a"
                  + " sparse tensor";
            }
          } else if (encoding == CompactFormat.CODED) {
            if (stored2 < 1 || stored2 > elements || length < 6) {
              expected = "1 ≤ entries ≤ " + elements + " and payloadLength ≥ 6 for a coded tensor";
            }
          } else if (encoding == CompactFormat.CODED_HALF) {
            if (stored2 < 1 || stored2 > elements || length < 4) {
              expected = "1 ≤ entries ≤ " + elements + " and payloadLength ≥ 4 for a coded tensor with half levels";
            }
          } else if (encoding == CompactFormat.GAPPED) {
            if (stored2 < 1 || stored2 > elements || length < 5) {
              expected = "1 ≤ entries ≤ " + elements + " and payloadLength ≥ 5 for a gapped tensor";
            }
          } else {
            throw fail(h.context + ": field 'encoding' is " + encoding
                + ", expected 0 (dense), 1 (sparse), 2 (coded), 3 (gapped) or 4 (coded, half levels)");
          }
          if (expected != null) {
            throw fail(h.context + ": fields 'entries' = " + stored2 + ", 'payloadLength' = " + length + " for "
                + elements + " elements: expected " + expected + " (corrupt file)");
          }
          if (offset + length > size) {
            throw fail("truncated: " + h.context + " field 'payload' needs bytes [" + offset + ", " + (offset + length)
                + ") but the file ends at " + size + ": refused before allocating");
          }
          total += elements;
          entries.add(new Entry(name, i, shape, (int) elements, (byte) encoding, (int) stored2, 0, offset, length));
          offset += length;
        }
        h.context = "tensor table";
        int payloadsCrc = (int) h.u32("payloadsCrc32");
        if (header.hasRemaining()) {
          throw fail("header has " + header.remaining() + " bytes after the payload checksum (corrupt file)");
        }
        if (offset != size) {
          throw fail((size - offset) + " unexpected bytes after the last tensor (corrupt file)");
        }
        if (total > maxElements) {
          throw fail("the tensors hold " + total + " floats in all, above the limit of " + maxElements);
        }
        ByteBuffer payloads = readAt(payloadStart, (int) (size - payloadStart));
        CRC32 c = new CRC32();
        c.update(payloads.duplicate());
        if ((int) c.getValue() != payloadsCrc) {
          throw fail("payload checksum mismatch: stored " + Integer.toHexString(payloadsCrc) + ", computed "
              + Long.toHexString(c.getValue()) + " (corrupt file)");
        }
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
          int from = (int) (e.offset - payloadStart);
          ByteBuffer payload = payloads.duplicate().position(from).limit(from + (int) e.length).slice()
              .order(ByteOrder.LITTLE_ENDIAN);
          float[] data;
          if (e.encoding == CompactFormat.CODED || e.encoding == CompactFormat.CODED_HALF
              || e.encoding == CompactFormat.GAPPED) {
            data = new float[e.elements];
            String problem = e.encoding == CompactFormat.GAPPED ? GappedTensor.decode(payload, e.entries, data)
                : CodedTensor.decode(payload, e.entries, data, e.encoding == CompactFormat.CODED ? 4 : 2);
            if (problem != null) {
              throw fail(e.label(entries.size()) + ": " + problem + " (corrupt file)");
            }
          } else {
            data = decode(e, entries.size(), payload);
          }
          tensors.put(e.name, new Tensor(e.shape, data));
        }
        return new CompactModel(tensors, metadata);
      }

      private ByteBuffer inflate(ByteBuffer stored) throws CompactFormatException {
        if (stored.remaining() < 4) {
          throw fail("truncated header: a deflated header starts with its 4-byte raw length");
        }
        long raw = Integer.toUnsignedLong(stored.getInt());
        long bound = (long) CompactFormat.MAX_INFLATE_RATIO * stored.remaining() + 64;
        if (raw > CompactFormat.MAX_HEADER_BYTES || raw > bound) {
          throw fail("header field 'rawLength' is " + raw + " bytes, above " + Math.min(bound,
              CompactFormat.MAX_HEADER_BYTES) + " (16 × the " + stored.remaining() + " deflated bytes + 64, at most "
              + CompactFormat.MAX_HEADER_BYTES + "): refused before inflating");
        }
        byte[] out = new byte[(int) raw];
        java.util.zip.Inflater inf = new java.util.zip.Inflater(true);
        try {
          byte[] in = new byte[stored.remaining()];
          stored.get(in);
          inf.setInput(in);
          int n = 0;
          while (n < out.length && !inf.finished()) {
            int k = inf.inflate(out, n, out.length - n);
            if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
              break;
            }
            n += k;
          }
          if (n != out.length || !inf.finished() || inf.getRemaining() != 0) {
            throw fail("header: the deflate stream gives " + (inf.finished() ? n + " bytes" : "more or fewer bytes")
                + " instead of its declared rawLength " + raw + ", or has bytes after its end (corrupt file)");
          }
        } catch (java.util.zip.DataFormatException e) {
          throw fail("header: the deflate stream is invalid (" + e.getMessage() + ")");
        } finally {
          inf.end();
        }
        return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
      }

      private long varint(Cursor h, String field) throws CompactFormatException {
        long v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
          int b = h.u8(field);
          v |= (long) (b & 0x7F) << shift;
          if ((b & 0x80) == 0) {
            if (v > 0xFFFFFFFFL) {
              throw fail(h.context + ": field '" + field + "' is above 2^32 - 1 (corrupt file)");
            }
            return v;
          }
        }
        throw fail(h.context + ": field '" + field + "' is a varint longer than 5 bytes (corrupt file)");
      }
    }

    CompactFormatException fail(String message) {
      return new CompactFormatException(file + ": " + message);
    }

    /** Reads header fields, naming the field and the entry being read when the header runs out. */
    private final class Cursor {
      final ByteBuffer buf;
      String context = "header";

      Cursor(ByteBuffer buf) {
        this.buf = buf;
      }

      int remaining() {
        return buf.remaining();
      }

      private void need(int bytes, String field) throws CompactFormatException {
        if (buf.remaining() < bytes) {
          throw fail("truncated header: it ends inside " + context + " field '" + field + "' (" + bytes
              + " bytes needed, " + buf.remaining() + " left)");
        }
      }

      int u8(String field) throws CompactFormatException {
        need(1, field);
        return Byte.toUnsignedInt(buf.get());
      }

      int u16(String field) throws CompactFormatException {
        need(2, field);
        return Short.toUnsignedInt(buf.getShort());
      }

      long u32(String field) throws CompactFormatException {
        need(4, field);
        return Integer.toUnsignedLong(buf.getInt());
      }

      String utf8(long length, String field) throws CompactFormatException {
        if (length > buf.remaining()) {
          need((int) Math.min(length, Integer.MAX_VALUE), field);
        }
        ByteBuffer slice = buf.slice().limit((int) length);
        buf.position(buf.position() + (int) length);
        try {
          CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(slice);
          return chars.toString();
        } catch (CharacterCodingException | BufferUnderflowException e) {
          throw fail(context + ": field '" + field + "' is not valid UTF-8");
        }
      }
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(sb.length() == 0 ? "" : " ").append(String.format("%02X", b));
    }
    return sb.toString();
  }
}
