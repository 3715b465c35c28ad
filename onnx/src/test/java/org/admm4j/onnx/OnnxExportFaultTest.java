package org.admm4j.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.admm4j.nn.Model;
import org.admm4j.nn.io.faults.WriteFaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OnnxExporter#write} under injected faults: the old export survives each, whole and importable. */
class OnnxExportFaultTest {

  @TempDir
  Path dir;

  @Test
  void anExportIsTheOldFileOrTheNewOne() throws Exception {
    Model old = TestModels.zoo("lenet-300-100", 1);
    Model fresh = TestModels.zoo("lenet-300-100", 2);
    int runs = WriteFaults.check(dir,
        folder -> OnnxExporter.write(folder.resolve("model.onnx"), old, null),
        folder -> OnnxExporter.write(folder.resolve("model.onnx"), fresh, null),
        folder -> OnnxImporter.read(folder.resolve("model.onnx")));
    assertTrue(runs >= 10, runs + " faulty runs");
  }
}
