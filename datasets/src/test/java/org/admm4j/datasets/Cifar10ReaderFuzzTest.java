package org.admm4j.datasets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link Cifar10Reader}'s batch reader (what {@link Cifar10Reader#read} runs on each of the six
 * files): any file loads or is refused with a {@link DatasetException} with a message. Allocation bound:
 * 2 x the file size + 1 MiB (the pixels once, 4 bytes of label per 3,073-byte record). Seeds: batches of
 * one and three records.
 */
class Cifar10ReaderFuzzTest {

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void read(byte[] data) throws Exception {
    Path file = ParserContract.file("cifar-10-batches-bin/test_batch.bin", data);
    ParserContract.check(2L * data.length + ParserContract.SLACK_BYTES, DatasetException.class,
        () -> Cifar10Reader.readBatches(List.of(file)));
  }
}
