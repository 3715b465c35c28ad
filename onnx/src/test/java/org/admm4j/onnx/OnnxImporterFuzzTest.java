package org.admm4j.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.admm4j.nn.ParserContract;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link OnnxImporter#read}: any file imports or is refused with an {@link OnnxFormatException} (or
 * the {@code IOException} of reading it) that says why. Allocation bound: 128 x the file size + 1 MiB.
 * Protobuf gives every message an object: a 2-byte empty {@code NodeProto} in the file is an object of
 * about a hundred bytes with its lists, so a file of many tiny messages costs tens of times its size
 * before the importer looks at it; the tensors' floats are the file's bytes once more. Seeds: a
 * conv/BatchNorm/linear model exported by {@link OnnxExporter}, dense and pruned, and the torch.onnx
 * residual model of the importer's tests.
 */
class OnnxImporterFuzzTest {

  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @FuzzTest
  void read(byte[] data) throws Exception {
    Path file = ParserContract.file("fuzz.onnx", data);
    ParserContract.check(data.length, 128, java.io.IOException.class, () -> OnnxImporter.read(file));
  }
}
