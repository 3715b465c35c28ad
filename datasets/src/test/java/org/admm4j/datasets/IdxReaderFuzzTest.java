package org.admm4j.datasets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link IdxReader#read} on raw and gzipped files: any file loads or is refused with a
 * {@link DatasetException} with a message. Allocation bound: 4 x the content's bytes (the decompressed
 * bytes for gzip) + the reader's 8 MiB growth step + 1 MiB: a gzipped file's buffer grows in steps, the
 * raw one is sized from the file. Seeds: image and label files written by {@link IdxWriter}, raw and gzip.
 */
class IdxReaderFuzzTest {

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void read(byte[] data) throws Exception {
    Path file = ParserContract.file("fuzz-idx3-ubyte", data);
    long limit = 4 * ParserContract.contentBytes(data, 1L << 30) + (8L << 20) + ParserContract.SLACK_BYTES;
    ParserContract.check(limit, DatasetException.class, () -> IdxReader.read(file));
  }
}
