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
import org.admm4j.nn.io.Tensor;

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
      if (version != CompactFormat.VERSION) {
        throw fail("unsupported version " + version + " (this reader knows version " + CompactFormat.VERSION + ")");
      }
      int reserved = Short.toUnsignedInt(pre.getShort());
      if (reserved != 0) {
        throw fail("preamble field 'reserved' is " + reserved + ", expected 0 (corrupt file)");
      }
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

      // header: checksum first, then every field
      ByteBuffer header = readAt(CompactFormat.PREAMBLE_BYTES, (int) headerLength);
      CRC32 crc = new CRC32();
      crc.update(header.duplicate());
      if ((int) crc.getValue() != headerCrc) {
        throw fail("header checksum mismatch: stored " + Integer.toHexString(headerCrc) + ", computed "
            + Long.toHexString(crc.getValue()) + " (corrupt file)");
      }
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
