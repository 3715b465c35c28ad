package org.admm4j.nn.files;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.admm4j.nn.ParserContract;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link ModelFiles#read}: any file (safetensors or compact, told apart by its first bytes) gives
 * a model or an {@link IOException} with a message. The model is built from the spec in the file's
 * metadata, so a fuzzed spec must not make it allocate more than its tensors hold: allocation bound
 * 64 x the file size + 1 MiB. Seeds: a small conv/batchnorm/linear model in both formats, with its spec
 * and input normalisation, and a small pruned conv/linear model written by {@code CompactExport} (gapped
 * tensors, fixed-point and float32 values).
 */
class ModelFilesFuzzTest {

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void read(byte[] data) throws Exception {
    Path file = ParserContract.file("fuzz.model", data);
    ParserContract.check(data.length, 64, IOException.class, () -> ModelFiles.read(file));
  }
}
