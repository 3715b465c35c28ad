package org.admm4j.nn.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.junit.jupiter.api.Test;

class SpecReaderTest {

  /** The framework issue's example, every layer type once. */
  static final String EXAMPLE = """
      {"name": "mynet", "input": [3, 32, 32], "classes": 10, "layers": [
        {"type": "conv2d", "name": "conv1", "out_channels": 16, "kernel": 3, "stride": 1, "padding": 1, "bias": false},
        {"type": "batchnorm", "name": "bn1"}, {"type": "relu"},
        {"type": "residual", "name": "block1",
         "body": [{"type": "conv2d", "name": "conv1", "out_channels": 32, "kernel": 3, "stride": 2, "padding": 1, "bias": false},
                  {"type": "batchnorm", "name": "bn1"}, {"type": "relu"},
                  {"type": "conv2d", "name": "conv2", "out_channels": 32, "kernel": 3, "padding": 1, "bias": false},
                  {"type": "batchnorm", "name": "bn2"}],
         "shortcut": [{"type": "conv2d", "name": "down", "out_channels": 32, "kernel": 1, "stride": 2, "bias": false},
                      {"type": "batchnorm", "name": "down_bn"}]},
        {"type": "relu"}, {"type": "maxpool", "kernel": 2, "stride": 2}, {"type": "avgpool", "kernel": 2},
        {"type": "global_avgpool"}, {"type": "flatten"}, {"type": "dropout", "p": 0.3},
        {"type": "linear", "name": "fc", "out_features": 10}]}
      """;

  @Test
  void readsTheExampleWithPyTorchDefaultsAndNames() {
    ModelSpec spec = SpecReader.parse(EXAMPLE, "example.json");
    assertEquals("mynet", spec.name());
    assertEquals(10, spec.classes());
    LayerSpec.Residual block = (LayerSpec.Residual) spec.layers().get(3);
    assertEquals(new LayerSpec.Conv2d("conv2", 32, 3, 1, 1, false), block.body().get(3));
    assertEquals(new LayerSpec.MaxPool("maxpool1", 2, 2), spec.layers().get(5));
    assertEquals(new LayerSpec.AvgPool("avgpool1", 2, 2, 0), spec.layers().get(6));
    assertEquals(new LayerSpec.Linear("fc", 10, true), spec.layers().get(10));
    assertEquals("relu1", spec.layers().get(2).name());
    assertEquals("relu2", spec.layers().get(4).name());

    Model model = spec.build(3);
    List<String> names = model.tensors().stream().map(Parameter::name).toList();
    assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
        "block1.conv1.weight", "block1.bn1.weight", "block1.bn1.bias", "block1.conv2.weight", "block1.bn2.weight",
        "block1.bn2.bias", "block1.down.weight", "block1.down_bn.weight", "block1.down_bn.bias",
        "block1.bn1.running_mean", "block1.bn1.running_var", "block1.bn2.running_mean", "block1.bn2.running_var",
        "block1.down_bn.running_mean", "block1.down_bn.running_var", "fc.weight", "fc.bias"), names);
    assertEquals(List.of(32, 16, 3, 3), boxed(model.parameter("block1.conv1.weight").shape()));
    assertEquals(List.of(10, 32), boxed(model.parameter("fc.weight").shape()));
  }

  @Test
  void writtenSpecReadsBackEqualAndRebuildsTheSameWeights() {
    ModelSpec spec = SpecReader.parse(EXAMPLE, "example.json");
    ModelSpec back = SpecReader.parse(spec.toJson(), "written");
    assertEquals(spec, back);
    Model a = spec.build(9), b = back.build(9);
    for (Parameter p : a.tensors()) {
      assertEquals(java.util.Arrays.toString(p.data()), java.util.Arrays.toString(b.parameter(p.name()).data()));
    }
    assertEquals(spec, a.spec());
    for (String zoo : Models.names()) {
      ModelSpec z = Models.spec(zoo);
      assertEquals(z, SpecReader.parse(z.toJson(), zoo));
      assertEquals(z, Models.create(zoo, 1).spec());
    }
  }

  @Test
  void builderMakesTheSameSpecAsTheJson() {
    ModelSpec built = org.admm4j.nn.Sequential.builder(3, 32, 32).name("mynet")
        .conv2d("conv1", 16, 3, 1, 1, false).batchNorm("bn1").relu()
        .residual("block1",
            body -> body.conv2d("conv1", 32, 3, 2, 1, false).batchNorm("bn1").relu()
                .conv2d("conv2", 32, 3, 1, 1, false).batchNorm("bn2"),
            shortcut -> shortcut.conv2d("down", 32, 1, 2, 0, false).batchNorm("down_bn"))
        .relu().maxPool(2, 2).avgPool(2).globalAvgPool().flatten().dropout(0.3f).linear("fc", 10)
        .spec();
    assertEquals(SpecReader.parse(EXAMPLE, "example.json"), built);
  }

  @Test
  void unnamedWeightLayersGetTypeAndCount() {
    ModelSpec spec = SpecReader.parse("""
        {"input": [1, 8, 8], "classes": 4, "layers": [
          {"type": "conv2d", "out_channels": 2, "kernel": 3}, {"type": "conv2d", "out_channels": 2, "kernel": 3},
          {"type": "residual", "body": [{"type": "conv2d", "out_channels": 2, "kernel": 3, "padding": 1}],
           "shortcut": [{"type": "conv2d", "out_channels": 2, "kernel": 1}]},
          {"type": "flatten"}, {"type": "linear", "out_features": 4}]}""", "t");
    List<String> names = spec.build(1).parameters().stream().map(Parameter::name).toList();
    assertEquals(List.of("conv2d1.weight", "conv2d1.bias", "conv2d2.weight", "conv2d2.bias",
        "residual1.conv2d1.weight", "residual1.conv2d1.bias", "residual1.conv2d2.weight", "residual1.conv2d2.bias",
        "linear1.weight", "linear1.bias"), names);
  }

  @Test
  void readsPyTorchStyleExtensions() {
    ModelSpec spec = SpecReader.parse("""
        {"input": [1, 9, 9], "classes": 2, "layers": [
          {"type": "conv2d", "name": "c", "out_channels": 2, "kernel": [3, 3], "stride": [2, 2], "padding": [1, 1]},
          {"type": "batchnorm", "name": "bn", "eps": 0.001, "momentum": 0.2},
          {"type": "maxpool", "kernel": 3, "stride": 2, "padding": 1},
          {"type": "flatten"}, {"type": "linear", "name": "fc", "out_features": 2}]}""", "t");
    assertEquals(new LayerSpec.Conv2d("c", 2, 3, 2, 1, true), spec.layers().get(0));
    assertEquals(new LayerSpec.BatchNorm("bn", 1e-3f, 0.2f), spec.layers().get(1));
    assertEquals(new LayerSpec.MaxPool("maxpool1", 3, 2, 1), spec.layers().get(2));
    assertEquals(spec, SpecReader.parse(spec.toJson(), "again"));
    Model m = spec.build(1);
    assertEquals(List.of(2, 3, 3), boxed(m.layers().get(2).outputShape()));
    assertMessage("""
        {"input": [1, 8, 8], "classes": 4, "layers": [{"type": "conv2d", "name": "c", "out_channels": 2, "kernel": [3, 5]}]}""",
        "'kernel'", "[3,5]", "square");
    assertMessage("""
        {"input": [1, 8, 8], "classes": 4, "layers": [{"type": "maxpool", "kernel": 2, "padding": 2}]}""",
        "'padding'", "half the kernel");
  }

  @Test
  void refusesWhatDoesNotFitNamingLayerKeyAndShapes() {
    assertMessage("""
        {"input": [1, 8, 8], "classes": 4, "layers": [{"type": "conv2d", "name": "c", "out_channels": 2, "kernal": 3}]}""",
        "layers[0] (conv2d 'c')", "'kernal'");
    assertMessage("""
        {"input": [1, 8, 8], "classes": 4, "layers": [{"type": "conv3d", "out_channels": 2}]}""",
        "layers[0]", "unknown layer type 'conv3d'", "conv2d");
    assertMessage("""
        {"input": [1, 8, 8], "classes": 4, "layers": [{"type": "conv2d", "name": "c", "out_channels": 2, "kernel": 2.5}]}""",
        "'kernel'", "whole number");
    assertMessage("""
        {"input": [1, 8, 8], "classes": 4, "wat": 1, "layers": []}""", "'wat'");
    assertMessage("""
        {"input": [1, 4, 4], "classes": 2, "layers": [{"type": "conv2d", "name": "c1", "out_channels": 2, "kernel": 3},
          {"type": "conv2d", "name": "c2", "out_channels": 2, "kernel": 3}]}""",
        "layers[1] (conv2d 'c2')", "[2, 2, 2]", "smaller than 1");
    assertMessage("""
        {"input": [1, 8, 8], "classes": 4, "layers": [{"type": "residual", "name": "b",
          "body": [{"type": "conv2d", "name": "c", "out_channels": 3, "kernel": 3, "padding": 1}]}]}""",
        "layers[0] (residual 'b')", "[3, 8, 8]", "[1, 8, 8]", "identity");
    assertMessage("""
        {"input": [1, 8, 8], "classes": 4, "layers": [{"type": "flatten"}, {"type": "linear", "name": "fc", "out_features": 5}]}""",
        "layers[1] (linear 'fc')", "[5]", "'classes' is 4");
    assertMessage("""
        {"input": [1, 8, 8], "classes": 4, "layers": [{"type": "linear", "name": "fc", "out_features": 4}]}""",
        "layers[0] (linear 'fc')", "[1, 8, 8]", "flatten");
    assertMessage("""
        {"input": [1, 8, 8], "classes": 4, "layers": [{"type": "residual", "name": "b", "body": [
          {"type": "conv2d", "name": "c", "out_channels": 1, "kernel": 9}]}]}""",
        "layers[0].body[0] (conv2d 'b.c')", "[1, 8, 8]");
    assertMessage("""
        {"input": [1, 8, 8], "classes": 4, "layers": [{"type": "conv2d", "name": "c", "out_channels": 4, "kernel": 8},
         {"type": "conv2d", "name": "c", "out_channels": 4, "kernel": 1}, {"type": "flatten"}]}""",
        "two tensors named 'c.weight'");
    assertMessage("{\"input\": [1, 8, 8], ", "not valid JSON");
    assertMessage("""
        {"input": [1, 8, 8], "classes": 4, "layers": [{"type": "conv2d", "name": "c", "out_channels": 2, "kernel": 3,
          "padding": 2000000000}]}""", "'padding'", "0..1048576");
    assertMessage("[".repeat(5000), "not valid JSON");
  }

  private static void assertMessage(String json, String... parts) {
    SpecException e = assertThrows(SpecException.class, () -> SpecReader.parse(json, "net.json").build(1));
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }
  }

  private static List<Integer> boxed(int[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }
}
