package org.admm4j.nn.compact;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.admm4j.nn.ParserContract;
import org.junit.jupiter.api.Timeout;

/**
 * {@link CompactModelReaderFuzzTest} past the checksums: before the file is written, the payload CRCs in
 * the tensor table and the header CRC in the preamble are recomputed over the fuzzed bytes wherever the
 * layout lets them be found, so mutations of the tensor table, the shapes and the sparse gaps reach the
 * code behind the checks (a random mutation almost never keeps a CRC-32 right). Same contract and bound:
 * a {@link CompactFormatException} or {@link IOException} with a message, at most 16 x the file size +
 * 4 bytes x {@link CompactModelReaderFuzzTest#MAX_ELEMENTS} + 1 MiB allocated. Seeds: the same files (versions 1
 * and 2).
 */
class CompactModelReaderChecksummedFuzzTest {

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void read(byte[] data) throws Exception {
    byte[] fixed = withChecksums(data);
    Path file = ParserContract.file("fuzz-checksummed.a4jc", fixed);
    long max = CompactModelReaderFuzzTest.MAX_ELEMENTS;
    ParserContract.check(fixed.length + 4 * max / 16, 16, IOException.class, () -> CompactModelReader.read(file, max));
  }

  /** A copy of {@code data} with every checksum the layout locates recomputed (CompactFormat's layout). */
  static byte[] withChecksums(byte[] data) {
    byte[] out = data.clone();
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    if (out.length < CompactFormat.PREAMBLE_BYTES) {
      return out;
    }
    long headerLength = b.getInt(8) & 0xffffffffL;
    int headerStart = CompactFormat.PREAMBLE_BYTES;
    if (headerLength > out.length - headerStart) {
      return out;
    }
    int headerEnd = headerStart + (int) headerLength;
    if (b.getShort(4) == 2) {
      // version 2: with a raw header its last 4 bytes are the CRC of every byte after it; a deflated header
      // only gets the preamble's CRC (recomputing inside the stream would need re-deflating)
      if ((b.getShort(6) & CompactFormat.FLAG_DEFLATED) == 0 && headerLength >= 4) {
        CRC32 c = new CRC32();
        c.update(out, headerEnd, out.length - headerEnd);
        b.putInt(headerEnd - 4, (int) c.getValue());
      }
      CRC32 c = new CRC32();
      c.update(out, headerStart, (int) headerLength);
      b.putInt(12, (int) c.getValue());
      return out;
    }
    try {
      int p = headerStart;
      long metadata = b.getInt(p) & 0xffffffffL;
      p += 4;
      for (long i = 0; i < metadata && p < headerEnd; i++) {
        p += 2 + (b.getShort(p) & 0xffff);
        int valueLength = b.getInt(p);
        if (valueLength < 0) {
          // a negative length would walk p backwards: with up to 2^32 entries the loop would never end
          break;
        }
        p += 4 + valueLength;
      }
      long tensors = b.getInt(p) & 0xffffffffL;
      p += 4;
      long payload = headerEnd;
      for (long t = 0; t < tensors && p < headerEnd; t++) {
        p += 2 + (b.getShort(p) & 0xffff);
        int rank = out[p++] & 0xff;
        long elements = 1;
        for (int d = 0; d < rank; d++, p += 4) {
          elements *= b.getInt(p) & 0xffffffffL;
        }
        byte encoding = out[p++];
        long entries = b.getInt(p) & 0xffffffffL;
        p += 4;
        long length = encoding == CompactFormat.SPARSE ? 5 * entries : 4 * elements;
        if (length >= 0 && payload + length <= out.length) {
          CRC32 c = new CRC32();
          c.update(out, (int) payload, (int) length);
          b.putInt(p, (int) c.getValue());
        }
        p += 4;
        payload += length;
      }
    } catch (IndexOutOfBoundsException | IllegalArgumentException stop) {
      // the layout runs off the bytes: leave the rest as fuzzed
    }
    CRC32 c = new CRC32();
    c.update(out, headerStart, (int) headerLength);
    b.putInt(12, (int) c.getValue());
    return out;
  }
}
