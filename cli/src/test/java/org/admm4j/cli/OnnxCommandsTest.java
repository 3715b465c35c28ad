package org.admm4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.files.StoredModel;
import org.admm4j.nn.io.ModelTensors;
import org.admm4j.nn.io.Tensor;
import org.admm4j.onnx.OnnxImporter;
import org.admm4j.onnx.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on ONNX files: eval and prune a LeNet-5 that torch.onnx.export wrote (the onnx module's test
 * resource, made by its make_onnx.py), --normalize recorded in what they write, export --format onnx.
 */
class OnnxCommandsTest {

  /** torch's LeNet-5 export; the tests run in the cli folder. */
  private static final Path TORCH_LENET = Path.of("..", "onnx", "src", "test", "resources", "org", "admm4j", "onnx",
      "lenet5.onnx");
  private static final String NORMALIZE = "0.25/0.5";
  private static final InputNormalization EXPECTED = InputNormalization.of(0.25f, 0.5f);

  @TempDir
  Path dir;

  @Test
  void evalOfATorchOnnxFilePrintsItsLayerNames() {
    MainTest.Run e = MainTest.run("eval", "--model", TORCH_LENET.toString(), "--dataset", "synthetic", "--normalize",
        NORMALIZE, "--test-limit", "32", "--seconds", "0.05", "--threads", "1");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("layers       conv1 [20, 1, 5, 5], conv2 [50, 20, 5, 5], fc1 [500, 800], fc2 [10, 500]"),
        e.out());
    assertTrue(e.out().contains("accuracy"), e.out());
  }

  @Test
  void prunesATorchOnnxFileAndExportsTheResultAsOnnx() throws IOException {
    Path run = dir.resolve("pruned");
    MainTest.Run p = MainTest.run("prune", "--from", TORCH_LENET.toString(), "--dataset", "synthetic", "--normalize",
        NORMALIZE, "--keep", "fc1=0.1", "--iterations", "1", "--admm-epochs", "1", "--retrain-epochs", "1",
        "--train-limit", "256", "--test-limit", "64", "--threads", "2", "--no-progress", "--out", run.toString());
    assertEquals(0, p.code(), p.err());
    StoredModel pruned = ModelFiles.read(run.resolve("model.safetensors"));
    assertEquals(EXPECTED, pruned.normalization(), "--normalize is recorded in the pruned model");
    assertEquals(EXPECTED, ModelFiles.read(run.resolve(PruneCommand.ONNX_START)).normalization());
    assertEquals(Math.round(500 * 800 * 0.1), pruned.model().parameter("fc1.weight").countNonZero());

    // the run started from torch's weights: the start file holds them
    Model imported = OnnxImporter.read(TORCH_LENET).model();
    Model start = ModelFiles.read(run.resolve(PruneCommand.ONNX_START)).model();
    assertArrayEquals(imported.parameter("conv1.weight").data(), start.parameter("conv1.weight").data());

    MainTest.Run x = MainTest.run("export", "--format", "onnx", "--model", run.toString());
    assertEquals(0, x.code(), x.err());
    Path onnx = run.resolve("model.onnx");
    assertTrue(x.out().contains("wrote " + onnx.toAbsolutePath()) || x.out().contains("model.onnx"), x.out());
    OnnxModel back = OnnxImporter.read(onnx);
    assertEquals(pruned.model().spec(), back.spec());
    assertEquals(EXPECTED, back.normalization(), "the ONNX file records the normalisation");
    for (Map.Entry<String, Tensor> t : ModelTensors.of(pruned.model()).entrySet()) {
      assertArrayEquals(t.getValue().data(), back.tensors().get(t.getKey()).data(), t.getKey());
    }
    // the compact export stays the default
    Path compact = dir.resolve("again.a4jc");
    MainTest.Run c = MainTest.run("export", "--model", run.toString(), "--out", compact.toString());
    assertEquals(0, c.code(), c.err());
    assertEquals(ModelFiles.Format.COMPACT, ModelFiles.formatOf(compact));

    // eval of the exported ONNX file uses the normalisation it records
    MainTest.Run e = MainTest.run("eval", "--model", onnx.toString(), "--dataset", "synthetic", "--test-limit", "32",
        "--seconds", "0.05", "--threads", "1", "--json", dir.resolve("e.json").toString());
    assertEquals(0, e.code(), e.err());
  }

  @Test
  void resumeNormalizesAsTheInterruptedRunDid() throws IOException {
    Path run = dir.resolve("resumed");
    MainTest.Run p = MainTest.run("prune", "--model", "lenet-300-100", "--dataset", "synthetic", "--normalize",
        NORMALIZE, "--keep", "fc*=0.1", "--dense-epochs", "1", "--iterations", "2", "--admm-epochs", "1",
        "--retrain-epochs", "1", "--train-limit", "128", "--test-limit", "32", "--threads", "1", "--no-progress",
        "--stop-after", "2", "--out", run.toString());
    assertEquals(0, p.code(), p.err());
    assertFalse(Files.exists(run.resolve("model.safetensors")), "stopped before the end");
    MainTest.Run r = MainTest.run("prune", "--resume", run.toString(), "--normalize", "0.1/0.2");
    assertEquals(1, r.code(), "a new normalisation is refused on --resume: " + r.err());
    assertTrue(r.err().contains("--resume"), r.err());
    MainTest.Run ok = MainTest.run("prune", "--resume", run.toString(), "--no-progress");
    assertEquals(0, ok.code(), ok.err());
    assertEquals(EXPECTED, ModelFiles.read(run.resolve("model.safetensors")).normalization());
  }

  @Test
  void trainRecordsNormalize() throws IOException {
    Path run = dir.resolve("trained");
    MainTest.Run t = MainTest.run("train", "--model", "lenet-300-100", "--dataset", "synthetic", "--normalize",
        NORMALIZE, "--epochs", "1", "--train-limit", "128", "--test-limit", "32", "--threads", "1", "--no-progress",
        "--out", run.toString());
    assertEquals(0, t.code(), t.err());
    assertEquals(EXPECTED, ModelFiles.read(run.resolve("model.safetensors")).normalization());
  }

  @Test
  void badNormalizeIsAClearError() {
    for (String bad : new String[] {"0.5", "0.5/0", "0.1,0.2/0.3", "a/0.3"}) {
      MainTest.Run e = MainTest.run("eval", "--model", TORCH_LENET.toString(), "--normalize", bad);
      assertEquals(2, e.code(), bad + ": " + e.err());
      assertTrue(e.err().contains("--normalize"), e.err());
      assertFalse(e.err().contains("\tat "), e.err());
    }
  }

  @Test
  void aBrokenOnnxFileIsAClearError() throws IOException {
    Path bad = dir.resolve("bad.onnx");
    Files.write(bad, new byte[] {8, 7, 0x12, 0x7f, 1, 2});
    MainTest.Run e = MainTest.run("eval", "--model", bad.toString(), "--dataset", "synthetic");
    assertEquals(1, e.code(), e.err());
    assertTrue(e.err().contains(bad.toString()), e.err());
    assertFalse(e.err().contains("\tat "), e.err());
  }
}
