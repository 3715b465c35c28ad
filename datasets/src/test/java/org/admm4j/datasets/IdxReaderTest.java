package org.admm4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void roundTripsImagesThroughWriterAndReader(boolean gzip) throws Exception {
    for (int[] dims : new int[][] {{7, 5, 3}, {1, 1, 1}, {0, 28, 28}, {13, 28, 28}}) {
      byte[] data = IdxBytes.randomBytes(dims[0] * dims[1] * dims[2], 11 + dims[0]);
      Path file = dir.resolve("images-" + Arrays.toString(dims) + (gzip ? ".gz" : ""));
      String sha = IdxWriter.write(file, dims, data, gzip);
      IdxFile idx = IdxReader.read(file);
      assertArrayEquals(dims, idx.dimensions());
      assertArrayEquals(data, idx.data());
      assertEquals(IdxReader.UNSIGNED_BYTE, idx.dataType());
      assertEquals(dims[0], idx.count());
      assertEquals(sha, idx.sha256());
      // The hash is of the uncompressed bytes, whatever the wrapping.
      assertEquals(Sha256.of(IdxBytes.valid(dims, data)), idx.sha256());
      assertEquals(gzip, isGzip(file));
    }
  }

  @Test
  void detectsGzipByContentNotByName() throws Exception {
    byte[] content = IdxBytes.valid(new int[] {5}, new byte[] {1, 2, 3, 4, 5});
    Path gzNamedRaw = write("labels.gz", content);
    Path rawNamedPlain = write("labels-plain", IdxBytes.gzip(content));
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, IdxReader.read(gzNamedRaw).data());
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, IdxReader.read(rawNamedPlain).data());
  }

  @Test
  void rejectsBadMagic() throws Exception {
    Path f = write("bad-magic", IdxBytes.of(0x12, 0x34, 0x08, 1, new int[] {2}, new byte[2]));
    assertMessage(f, "magic", "0x12 0x34");
  }

  @Test
  void rejectsUnsupportedAndUnknownDataTypes() throws Exception {
    Path floats = write("floats", IdxBytes.of(0, 0, 0x0D, 1, new int[] {1}, new byte[4]));
    assertMessage(floats, "data type", "0x0D");
    assertMessage(floats, "data type", "expected 0x08");
    Path unknown = write("unknown-type", IdxBytes.of(0, 0, 0x42, 1, new int[] {1}, new byte[1]));
    assertMessage(unknown, "data type", "0x42");
  }

  @Test
  void rejectsRankZeroAndTooLarge() throws Exception {
    Path zero = write("rank0", IdxBytes.of(0, 0, 0x08, 0, new int[0], new byte[1]));
    assertMessage(zero, "rank", "found 0");
    Path nine = write("rank9", IdxBytes.of(0, 0, 0x08, 9, new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1},
        new byte[1]));
    assertMessage(nine, "rank", "found 9");
  }

  @Test
  void rejectsNegativeDimension() throws Exception {
    Path f = write("negative", IdxBytes.of(0, 0, 0x08, 3, new int[] {2, -5, 3}, new byte[0]));
    assertMessage(f, "dimension 1", "-5");
  }

  @Test
  void rejectsHugeDimensionsBeforeAllocating() throws Exception {
    // 60000 x 60000 x 60000 would be 2e14 bytes: refused from the header alone.
    Path f = write("huge", IdxBytes.of(0, 0, 0x08, 3, new int[] {60000, 60000, 60000}, new byte[8]));
    assertMessage(f, "dimensions", "at most");
    Path gz = write("huge.gz", IdxBytes.gzip(IdxBytes.of(0, 0, 0x08, 3,
        new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, new byte[8])));
    assertMessage(gz, "dimensions", "at most");
  }

  @Test
  void rejectsLargeButAllowedDimensionsWhenDataIsMissing() throws Exception {
    // 1e9 bytes declared, 10 present: a length error, without allocating a gigabyte for the raw file.
    Path raw = write("short-raw", IdxBytes.of(0, 0, 0x08, 1, new int[] {1_000_000_000}, new byte[10]));
    assertMessage(raw, "length", "truncated");
    Path gz = write("short-gz", IdxBytes.gzip(
        IdxBytes.of(0, 0, 0x08, 1, new int[] {1_000_000_000}, new byte[10])));
    assertMessage(gz, "length", "truncated");
  }

  @Test
  void rejectsTruncatedData() throws Exception {
    byte[] full = IdxBytes.valid(new int[] {4, 3, 3}, IdxBytes.randomBytes(36, 3));
    Path raw = write("truncated", Arrays.copyOf(full, full.length - 1));
    assertMessage(raw, "length", "found " + (full.length - 1));
    Path gz = write("truncated-content.gz", IdxBytes.gzip(Arrays.copyOf(full, full.length - 5)));
    assertMessage(gz, "length", "truncated");
    Path header = write("truncated-header", Arrays.copyOf(full, 9));
    assertMessage(header, "dimensions", "truncated header");
    Path tiny = write("tiny", new byte[] {0, 0});
    assertMessage(tiny, "magic", "too short");
    Path empty = write("empty", new byte[0]);
    assertMessage(empty, "magic", "too short");
  }

  @Test
  void rejectsTrailingBytes() throws Exception {
    byte[] full = IdxBytes.valid(new int[] {4}, new byte[] {1, 2, 3, 4});
    byte[] longer = Arrays.copyOf(full, full.length + 3);
    Path raw = write("trailing", longer);
    assertMessage(raw, "length", "trailing");
    Path gz = write("trailing.gz", IdxBytes.gzip(longer));
    assertMessage(gz, "length", "trailing");
    assertMessage(gz, "length", "found " + longer.length);
  }

  @Test
  void rejectsCorruptAndTruncatedGzip() throws Exception {
    byte[] packed = IdxBytes.gzip(IdxBytes.valid(new int[] {64, 8}, IdxBytes.randomBytes(512, 5)));
    byte[] corrupt = packed.clone();
    for (int i = 12; i < corrupt.length - 8; i++) {
      corrupt[i] ^= (byte) 0x5A;
    }
    Path bad = write("corrupt.gz", corrupt);
    assertMessage(bad, "gzip", "");
    Path cut = write("cut.gz", Arrays.copyOf(packed, packed.length / 2));
    assertMessage(cut, "gzip", "");
    byte[] badCrc = packed.clone();
    badCrc[badCrc.length - 6] ^= 1;
    Path crc = write("crc.gz", badCrc);
    assertMessage(crc, "gzip", "");
  }

  @Test
  void reportsMissingFile() {
    Path missing = dir.resolve("nope");
    assertMessage(missing, "not found", "");
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  private static boolean isGzip(Path f) throws IOException {
    byte[] b = Files.readAllBytes(f);
    return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
  }

  /** The error names the file and the field and contains {@code detail}. */
  static void assertMessage(Path file, String field, String detail) {
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(file));
    String m = e.getMessage();
    assertTrue(m.contains(file.toString()), () -> "no file name in: " + m);
    assertTrue(m.contains(field), () -> "no field '" + field + "' in: " + m);
    assertTrue(m.contains(detail), () -> "no '" + detail + "' in: " + m);
  }
}
