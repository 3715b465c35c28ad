package org.admm4j.nn.compact;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.admm4j.nn.ParserContract;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link CompactModelReader#read(Path, long)}: any file loads or is refused with a
 * {@link CompactFormatException} (or, for a read error, an {@link IOException}) with a message. A sparse
 * tensor legitimately decodes to more floats than the file has bytes, so the element cap is set to
 * {@link #MAX_ELEMENTS} and the allocation bound is 16 x the file size + 4 bytes x the cap + 1 MiB.
 * Seeds: a small conv/batchnorm/linear model written by {@code ModelFiles.write} in compact format version 1, and
 * version 2 files with coded, sparse and dense tensors, one with a raw and one with a deflated header, and two
 * written by {@code CompactExport} with gapped tensors (fixed-point and float32 values).
 */
class CompactModelReaderFuzzTest {
  /** Floats the fuzzed files may decode to, dense (the real default is 2^28). */
  static final long MAX_ELEMENTS = 1 << 16;

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void read(byte[] data) throws Exception {
    Path file = ParserContract.file("fuzz.a4jc", data);
    ParserContract.check(data.length + 4 * MAX_ELEMENTS / 16, 16, IOException.class,
        () -> CompactModelReader.read(file, MAX_ELEMENTS));
  }
}
