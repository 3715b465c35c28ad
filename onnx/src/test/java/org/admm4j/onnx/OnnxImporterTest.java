package org.admm4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;
import org.admm4j.nn.spec.LayerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxImporterTest {

  @TempDir
  Path dir;

  @Test
  void lenet5FromTorchGivesTorchsLogits() throws IOException {
    OnnxModel m = OnnxImporter.read(TorchFixtures.onnx("lenet5"));
    List<String> layers = m.spec().layers().stream().map(l -> l.type() + ":" + l.name()).collect(Collectors.toList());
    assertEquals(List.of("conv2d:conv1", "maxpool:maxpool1", "conv2d:conv2", "maxpool:maxpool2", "flatten:flatten1",
        "linear:fc1", "relu:relu1", "linear:fc2"), layers);
    assertEquals(10, m.spec().classes());
    assertNull(m.normalization());
    Model model = m.model();
    TorchFixtures.Logits t = TorchFixtures.logits("lenet5");
    float diff = TorchFixtures.maxDiff(t.logits(), model.predictLogits(t.input(), t.count()));
    assertTrue(diff <= 1e-4f, "max |admm4j − torch| = " + diff);
  }

  @Test
  void residualBatchNormNetFromTorchGivesTorchsLogits() throws IOException {
    OnnxModel m = OnnxImporter.read(TorchFixtures.onnx("resnet_bn"));
    // torch folds each conv's BatchNorm into it: convs with a bias, named from the node scope.
    LayerSpec.Conv2d stem = (LayerSpec.Conv2d) m.spec().layers().get(0);
    assertEquals(new LayerSpec.Conv2d("stem", 8, 3, 1, 1, true), stem);
    LayerSpec.Residual block2 = (LayerSpec.Residual) m.spec().layers().get(5);
    assertEquals("block2", block2.name());
    assertEquals(List.of("conv1", "relu1", "conv2"), block2.body().stream().map(LayerSpec::name).collect(Collectors.toList()));
    assertEquals(List.of(new LayerSpec.Conv2d("down", 16, 1, 2, 0, true)), block2.shortcut());
    LayerSpec.Residual block1 = (LayerSpec.Residual) m.spec().layers().get(3);
    assertTrue(block1.shortcut().isEmpty(), "identity shortcut");
    assertTrue(m.spec().layers().contains(new LayerSpec.BatchNorm("bn_fc", 1e-5f, 0.1f)), m.spec().layers().toString());
    assertTrue(m.tensors().containsKey("block2.down.bias"), m.tensors().keySet().toString());
    Model model = m.model();
    TorchFixtures.Logits t = TorchFixtures.logits("resnet_bn");
    float diff = TorchFixtures.maxDiff(t.logits(), model.predictLogits(t.input(), t.count()));
    assertTrue(diff <= 1e-4f, "max |admm4j − torch| = " + diff);
  }

  @Test
  void readsTheNormalizationFromMetadataProps() throws IOException {
    ModelProto m = lenet().toBuilder().addMetadataProps(StringStringEntryProto.newBuilder()
        .setKey("admm4j.normalization").setValue(new InputNormalization(new float[] {0.5f}, new float[] {0.25f}).toJson()))
        .build();
    assertEquals(new InputNormalization(new float[] {0.5f}, new float[] {0.25f}),
        OnnxImporter.parse(m.toByteArray(), null).normalization());
  }

  @Test
  void matMulWithAddBecomesOneLinearLayerWithBias() throws IOException {
    // input [N, 6] → MatMul W[6, 3] → Add b[3]: the weight comes out transposed to [3, 6].
    float[] w = new float[18];
    for (int i = 0; i < w.length; i++) {
      w[i] = i * 0.25f - 1;
    }
    GraphProto.Builder g = GraphProto.newBuilder().setName("g")
        .addInput(OnnxTestGraphs.input("x", 6))
        .addOutput(OnnxTestGraphs.output("y", 3))
        .addInitializer(OnnxTensors.of("W", new int[] {6, 3}, w))
        .addInitializer(OnnxTensors.of("b", new int[] {3}, new float[] {1, 2, 3}))
        .addNode(NodeProto.newBuilder().setName("/fc/MatMul").setOpType("MatMul").addInput("x").addInput("W").addOutput("h"))
        .addNode(NodeProto.newBuilder().setName("/fc/Add").setOpType("Add").addInput("h").addInput("b").addOutput("y"));
    OnnxModel m = OnnxImporter.parse(OnnxTestGraphs.model(g).toByteArray(), null);
    assertEquals(List.of(new LayerSpec.Linear("fc", 3, true)), m.spec().layers());
    float[] x = {1, -2, 0.5f, 3, 0, -1};
    float[] y = m.model().predictLogits(x, 1);
    for (int o = 0; o < 3; o++) {
      double expected = o + 1;
      for (int i = 0; i < 6; i++) {
        expected += x[i] * w[i * 3 + o];
      }
      assertEquals(expected, y[o], 1e-5, "output " + o);
    }
  }

  @Test
  void identityAliasesOfWeightsAndActivationsAreResolved() throws IOException {
    // torch writes a shared weight once and reads it through Identity nodes; activations may pass one too.
    GraphProto.Builder g = lenet().getGraph().toBuilder();
    NodeProto conv1 = g.getNode(0);
    String weight = conv1.getInput(1);
    g.setNode(0, conv1.toBuilder().setInput(1, "shared_w").setOutput(0, "conv1_raw"));
    g.addNode(0, NodeProto.newBuilder().setName("/Identity").setOpType("Identity").addInput(weight).addOutput("shared_w"));
    g.addNode(2, NodeProto.newBuilder().setName("/Identity_1").setOpType("Identity").addInput("conv1_raw")
        .addOutput(conv1.getOutput(0)));
    OnnxModel m = OnnxImporter.parse(lenet().toBuilder().setGraph(g).build().toByteArray(), null);
    OnnxModel plain = OnnxImporter.read(TorchFixtures.onnx("lenet5"));
    assertEquals(plain.spec().layers(), m.spec().layers());
    assertEquals(plain.tensors().keySet(), m.tensors().keySet());
    TorchFixtures.Logits t = TorchFixtures.logits("lenet5");
    assertTrue(TorchFixtures.maxDiff(t.logits(), m.model().predictLogits(t.input(), t.count())) <= 1e-4f);
  }

  @Test
  void refusesTruncatedFiles() throws IOException {
    byte[] bytes = Files.readAllBytes(TorchFixtures.onnx("resnet_bn"));
    for (int cut : new int[] {1, 7, bytes.length / 3, bytes.length / 2, bytes.length - 5}) {
      Path f = dir.resolve("cut" + cut + ".onnx");
      Files.write(f, Arrays.copyOf(bytes, cut));
      OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImporter.read(f), "cut at " + cut);
      assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }
  }

  @Test
  void refusesUnsupportedOpsNamingNodeOpAndTheSupportedList() {
    ModelProto m = withNode(lenet(), 2, NodeProto.newBuilder().setName("/weird/Sigmoid").setOpType("Sigmoid"));
    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImporter.parse(m.toByteArray(), null));
    assertTrue(e.getMessage().contains("'/weird/Sigmoid'") && e.getMessage().contains("Sigmoid")
        && e.getMessage().contains(OnnxImporter.SUPPORTED), e.getMessage());
  }

  @Test
  void refusesDanglingInputs() {
    GraphProto.Builder g = lenet().getGraph().toBuilder();
    NodeProto n = g.getNode(3);
    g.setNode(3, n.toBuilder().setInput(0, "nowhere"));
    OnnxFormatException e = assertThrows(OnnxFormatException.class,
        () -> OnnxImporter.parse(lenet().toBuilder().setGraph(g).build().toByteArray(), null));
    assertTrue(e.getMessage().contains("'nowhere'") && e.getMessage().contains(n.getName()), e.getMessage());
  }

  @Test
  void refusesCycles() {
    GraphProto.Builder g = lenet().getGraph().toBuilder();
    // conv1 reads the output of the second pool: a loop.
    g.setNode(0, g.getNode(0).toBuilder().setInput(0, g.getNode(3).getOutput(0)));
    OnnxFormatException e = assertThrows(OnnxFormatException.class,
        () -> OnnxImporter.parse(lenet().toBuilder().setGraph(g).build().toByteArray(), null));
    assertTrue(e.getMessage().contains("cycle"), e.getMessage());
  }

  @Test
  void refusesExternalData() {
    GraphProto.Builder g = lenet().getGraph().toBuilder();
    TensorProto t = g.getInitializer(0);
    g.setInitializer(0, t.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("/etc/passwd")));
    OnnxFormatException e = assertThrows(OnnxFormatException.class,
        () -> OnnxImporter.parse(lenet().toBuilder().setGraph(g).build().toByteArray(), null));
    assertTrue(e.getMessage().contains("external") && e.getMessage().contains(t.getName()), e.getMessage());
  }

  @Test
  void refusesDimsThatDoNotFitTheData() {
    GraphProto.Builder g = lenet().getGraph().toBuilder();
    TensorProto t = g.getInitializer(0);
    // A huge claim with a few bytes: refused before any array of that size is made.
    g.setInitializer(0, t.toBuilder().clearDims().addDims(1L << 20).addDims(1L << 20).build());
    OnnxFormatException e = assertThrows(OnnxFormatException.class,
        () -> OnnxImporter.parse(lenet().toBuilder().setGraph(g).build().toByteArray(), null));
    assertTrue(e.getMessage().contains(t.getName()), e.getMessage());
    g.setInitializer(0, t.toBuilder().setRawData(ByteString.copyFrom(new byte[12])).build());
    e = assertThrows(OnnxFormatException.class,
        () -> OnnxImporter.parse(lenet().toBuilder().setGraph(g).build().toByteArray(), null));
    assertTrue(e.getMessage().contains("need 2000 bytes") && e.getMessage().contains("holds 12"), e.getMessage());
  }

  @Test
  void refusesInputsTooLargeToServe() {
    GraphProto.Builder g = lenet().getGraph().toBuilder();
    onnx.Onnx.ValueInfoProto in = g.getInput(0);
    g.setInput(0, OnnxTestGraphs.input(in.getName(), 1, 100_000, 100_000));
    OnnxFormatException e = assertThrows(OnnxFormatException.class,
        () -> OnnxImporter.parse(lenet().toBuilder().setGraph(g).build().toByteArray(), null));
    assertTrue(e.getMessage().contains("floats per sample"), e.getMessage());
  }

  @Test
  void refusesSoftmaxBeforeTheEnd() {
    GraphProto.Builder g = lenet().getGraph().toBuilder();
    int relu = indexOf(g, "Relu");
    g.setNode(relu, g.getNode(relu).toBuilder().setOpType("Softmax"));
    OnnxFormatException e = assertThrows(OnnxFormatException.class,
        () -> OnnxImporter.parse(lenet().toBuilder().setGraph(g).build().toByteArray(), null));
    assertTrue(e.getMessage().contains("only as the last node"), e.getMessage());
  }

  @Test
  void refusesGroupedConvolutions() {
    GraphProto.Builder g = lenet().getGraph().toBuilder();
    NodeProto conv = g.getNode(0);
    NodeProto.Builder b = conv.toBuilder().clearAttribute();
    conv.getAttributeList().forEach(a -> b.addAttribute(a.getName().equals("group") ? a.toBuilder().setI(2).build() : a));
    g.setNode(0, b);
    OnnxFormatException e = assertThrows(OnnxFormatException.class,
        () -> OnnxImporter.parse(lenet().toBuilder().setGraph(g).build().toByteArray(), null));
    assertTrue(e.getMessage().contains("group 2") && e.getMessage().contains(conv.getName()), e.getMessage());
  }

  private static int indexOf(GraphProto.Builder g, String op) {
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (g.getNode(i).getOpType().equals(op)) {
        return i;
      }
    }
    throw new AssertionError("no " + op);
  }

  private static ModelProto withNode(ModelProto m, int at, NodeProto.Builder n) {
    GraphProto.Builder g = m.getGraph().toBuilder();
    NodeProto next = g.getNode(at);
    n.addInput(next.getInput(0)).addOutput("weird_out");
    g.setNode(at, next.toBuilder().setInput(0, "weird_out"));
    g.addNode(at, n);
    return m.toBuilder().setGraph(g).build();
  }

  private static ModelProto lenet() {
    try {
      return ModelProto.parseFrom(Files.readAllBytes(TorchFixtures.onnx("lenet5")));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
