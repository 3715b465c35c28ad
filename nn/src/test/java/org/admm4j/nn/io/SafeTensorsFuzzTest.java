package org.admm4j.nn.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.admm4j.nn.ParserContract;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link SafeTensors#read}: any file loads or is refused with an {@link IOException} that says why.
 * Allocation bound: 8 x the file size + 1 MiB (the tensors' floats are the file's bytes once, the header
 * its UTF-8 bytes, a string and a JSON tree). Seeds: a two-tensor file with metadata written by
 * {@link SafeTensors#write}.
 */
class SafeTensorsFuzzTest {

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void read(byte[] data) throws Exception {
    Path file = ParserContract.file("fuzz.safetensors", data);
    ParserContract.check(data.length, 8, IOException.class, () -> SafeTensors.read(file));
  }
}
