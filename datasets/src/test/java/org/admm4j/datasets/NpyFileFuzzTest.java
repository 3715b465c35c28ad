package org.admm4j.datasets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link NpyFile#open} and the read that {@link NpyReader} makes of each dtype
 * ({@code readUint8}, {@code readFloat32}, {@code readInts}): any file loads or is refused with a
 * {@link DatasetException} with a message. Allocation bound: 8 x the file size + 1 MiB (an int8 label file
 * widens to 4 bytes an element). Seeds: uint8 images, float32 images and int64 labels as numpy.save
 * writes them ({@link NpyBytes}).
 */
class NpyFileFuzzTest {

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void open(byte[] data) throws Exception {
    Path file = ParserContract.file("fuzz.npy", data);
    ParserContract.check(8L * data.length + ParserContract.SLACK_BYTES, DatasetException.class, () -> {
      NpyFile npy = NpyFile.open(file);
      if (npy.isUint8()) {
        npy.readUint8();
      } else if (npy.isFloat32()) {
        npy.readFloat32();
      } else if (npy.isInteger()) {
        npy.readInts();
      }
    });
  }
}
