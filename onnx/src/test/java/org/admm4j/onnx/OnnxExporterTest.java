package org.admm4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.ModelTensors;
import org.admm4j.nn.io.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxExporterTest {

  @TempDir
  Path dir;

  private static final InputNormalization RGB = new InputNormalization(new float[] {0.4914f, 0.4822f, 0.4465f},
      new float[] {0.2470f, 0.2435f, 0.2616f});

  @Test
  void lenet5RoundTripsBitForBit() throws IOException {
    roundTrip(TestModels.zoo("lenet5", 3), InputNormalization.of(0.1307f, 0.3081f));
  }

  @Test
  void convnetWithBatchNormAndDropoutRoundTripsBitForBit() throws IOException {
    roundTrip(TestModels.zoo("convnet", 4), InputNormalization.of(0.2860f, 0.3530f));
  }

  @Test
  void residualSpecRoundTripsBitForBit() throws IOException {
    roundTrip(TestModels.residual(5), RGB);
  }

  @Test
  void writesIr8Opset13TheOpsAndTheMetadata() throws IOException {
    Model m = TestModels.residual(6);
    Path f = dir.resolve("m.onnx");
    OnnxExporter.write(f, m, RGB);
    ModelProto p = ModelProto.parseFrom(Files.readAllBytes(f));
    assertEquals(8, p.getIrVersion());
    assertEquals(13, p.getOpsetImport(0).getVersion());
    assertEquals("", p.getOpsetImport(0).getDomain());
    Map<String, Long> ops = p.getGraph().getNodeList().stream()
        .collect(Collectors.groupingBy(NodeProto::getOpType, Collectors.counting()));
    // 6 convs, 7 BatchNorms (one after fc1), 2 residual Adds, GlobalAveragePool, Flatten, Gemm for linear layers.
    assertEquals(6L, ops.get("Conv"));
    assertEquals(7L, ops.get("BatchNormalization"));
    assertEquals(2L, ops.get("Add"));
    assertEquals(1L, ops.get("GlobalAveragePool"));
    assertEquals(1L, ops.get("Flatten"));
    assertEquals(2L, ops.get("Gemm"));
    p.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Gemm")).forEach(n -> assertTrue(
        n.getAttributeList().stream().anyMatch(a -> a.getName().equals("transB") && a.getI() == 1), n.getName()));
    Map<String, String> meta = p.getMetadataPropsList().stream()
        .collect(Collectors.toMap(e -> e.getKey(), e -> e.getValue()));
    assertEquals(RGB, InputNormalization.parse(meta.get(ModelMetadata.NORMALIZATION)));
    assertEquals(m.spec().toJson(), meta.get(ModelMetadata.SPEC));
    assertEquals(OnnxExporter.OUTPUT, p.getGraph().getOutput(0).getName());
  }

  @Test
  void writesAtomicallyOverAnOldFile() throws IOException {
    Path f = dir.resolve("m.onnx");
    Files.writeString(f, "old");
    OnnxExporter.write(f, TestModels.zoo("lenet5", 1), null);
    assertEquals("lenet5", OnnxImporter.read(f).spec().name());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left");
    }
  }

  private void roundTrip(Model model, InputNormalization norm) throws IOException {
    Path f = dir.resolve(model.name() + ".onnx");
    OnnxExporter.write(f, model, norm);
    OnnxModel back = OnnxImporter.read(f);
    assertEquals(model.spec(), back.spec());
    assertEquals(norm, back.normalization());
    Map<String, Tensor> expected = ModelTensors.of(model);
    assertEquals(expected.keySet(), back.tensors().keySet());
    long zeros = 0;
    for (Map.Entry<String, Tensor> e : expected.entrySet()) {
      Tensor t = back.tensors().get(e.getKey());
      assertArrayEquals(e.getValue().shape(), t.shape(), e.getKey());
      float[] a = e.getValue().data();
      float[] b = t.data();
      for (int i = 0; i < a.length; i++) {
        if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
          throw new AssertionError(e.getKey() + "[" + i + "]: " + a[i] + " became " + b[i]);
        }
        zeros += a[i] == 0 && Float.floatToRawIntBits(b[i]) == 0 ? 1 : 0;
      }
    }
    assertTrue(zeros > 0, "the pruned zeros were checked");
    Model again = back.model();
    float[] x = TestModels.inputs(model, 3, 9);
    assertArrayEquals(model.predictLogits(x, 3), again.predictLogits(x, 3));
  }
}
