package org.admm4j.nn.files;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.admm4j.nn.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesFormatTest {

  @TempDir
  Path dir;

  @Test
  void anOnnxFileWithoutTheOnnxModuleSaysWhatIsMissing() throws IOException {
    Path f = dir.resolve("net.onnx");
    Files.write(f, new byte[] {8, 7});
    IOException e = assertThrows(IOException.class, () -> ModelFiles.read(f));
    assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("admm4j-onnx"), e.getMessage());
  }

  @Test
  void onnxIsNotWrittenHere() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.write(
        dir.resolve("m.onnx"), ModelFiles.Format.ONNX, Models.create("lenet5", 1), null, Map.of()));
    assertTrue(e.getMessage().contains("OnnxExporter"), e.getMessage());
  }
}
