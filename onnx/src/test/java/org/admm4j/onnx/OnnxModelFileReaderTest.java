package org.admm4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.inference.Execution;
import org.admm4j.nn.inference.InferenceModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code InferenceModel.load} and {@code ModelFiles.read} read .onnx files once this module is on the class path. */
class OnnxModelFileReaderTest {

  @TempDir
  Path dir;

  @Test
  void inferenceModelLoadsAnExportedFileWithTheSourceModelsLogits() throws IOException {
    InputNormalization norm = InputNormalization.of(0.2860f, 0.3530f);
    for (Model m : new Model[] {TestModels.zoo("lenet5", 11), TestModels.residual(12)}) {
      Path f = dir.resolve(m.name() + ".onnx");
      OnnxExporter.write(f, m, norm);
      for (Execution e : Execution.values()) {
        InferenceModel loaded = InferenceModel.load(f, e);
        InferenceModel direct = InferenceModel.of(m, norm, e);
        assertEquals(norm, loaded.normalization());
        assertEquals(m.spec(), loaded.spec());
        int n = 5;
        float[] x = TestModels.inputs(m, n, 13);
        float[] a = new float[n * m.classes()], b = new float[n * m.classes()];
        loaded.logits(x, n, a);
        direct.logits(x, n, b);
        assertArrayEquals(b, a, m.name() + " " + e);
      }
    }
  }

  @Test
  void aTorchExportedFileServesTorchsLogits() throws IOException {
    InferenceModel loaded = InferenceModel.load(TorchFixtures.onnx("resnet_bn"));
    TorchFixtures.Logits t = TorchFixtures.logits("resnet_bn");
    float[] out = new float[t.count() * loaded.classes()];
    loaded.logits(t.input(), t.count(), out);
    float diff = TorchFixtures.maxDiff(t.logits(), out);
    assertTrue(diff <= 1e-4f, "max |InferenceModel − torch| = " + diff);
    assertEquals(ModelFiles.Format.ONNX, ModelFiles.read(TorchFixtures.onnx("resnet_bn")).format());
  }

  @Test
  void aBrokenOnnxFileIsRefusedWithItsName() throws IOException {
    Path f = dir.resolve("broken.onnx");
    Files.write(f, new byte[] {8, 7, 0x12, 0x7f, 1, 2});
    IOException e = assertThrows(IOException.class, () -> InferenceModel.load(f));
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
  }
}
