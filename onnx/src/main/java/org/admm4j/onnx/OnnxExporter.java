package org.admm4j.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;
import org.admm4j.nn.io.AtomicFile;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.ModelTensors;
import org.admm4j.nn.io.Tensor;
import org.admm4j.nn.spec.LayerSpec;

/**
 * Writes any admm4j model as ONNX (IR version {@value #IR_VERSION}, opset {@value #OPSET}), which ONNX
 * Runtime and Debian's onnx 1.12 checker both accept: Conv, BatchNormalization (kept, with its running
 * statistics), Relu, MaxPool, AveragePool ({@code count_include_pad} 1), GlobalAveragePool, Flatten,
 * Dropout, Gemm ({@code transB} 1, PyTorch's {@code [out, in]} weights) and Add for residual blocks.
 * Initializers carry the model's tensor names and values bit for bit (pruned weights stay exact zeros);
 * nodes are named by scope as torch names them ({@code /block1/conv1/Conv}), so {@link OnnxImporter} gives
 * back the same spec and tensors. The graph takes normalised inputs {@code [batch, C, H, W]} and gives
 * {@code logits [batch, classes]}; {@code metadata_props} carries {@code admm4j.spec} and
 * {@code admm4j.normalization}.
 */
public final class OnnxExporter {

  /** ONNX IR version 8 (onnx 1.10–1.12): the newest Debian's onnx 1.12 checker accepts. */
  public static final int IR_VERSION = 8;
  /** The default-domain operator set written. */
  public static final int OPSET = 13;
  static final String INPUT = "input";
  static final String OUTPUT = "logits";
  private static final String BATCH = "batch";

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Map<String, Tensor> tensors;
  private final Set<String> values = new HashSet<>();
  private final Set<String> nodes = new HashSet<>();

  private OnnxExporter(Model model) {
    this.tensors = ModelTensors.of(model);
  }

  /** Writes {@code model} to {@code file} atomically; {@code normalization} may be null (then none is recorded). */
  public static void write(Path file, Model model, InputNormalization normalization) throws IOException {
    ModelProto proto = toProto(model, normalization);
    AtomicFile.write(file, proto::writeTo);
  }

  /** The ONNX model of {@code model}. */
  public static ModelProto toProto(Model model, InputNormalization normalization) {
    OnnxExporter e = new OnnxExporter(model);
    int[] in = model.inputShape();
    e.values.add(INPUT);
    String last = e.chain(model.spec().layers(), "", INPUT);
    if (last.equals(INPUT)) {
      last = e.node("Identity", "/Identity", List.of(INPUT));
    }
    e.renameOutput(last);
    e.graph.setName(model.name())
        .addInput(e.valueInfo(INPUT, in))
        .addOutput(e.valueInfo(OUTPUT, new int[] {model.classes()}));
    for (Map.Entry<String, Tensor> t : e.tensors.entrySet()) {
      e.graph.addInitializer(OnnxTensors.of(t.getKey(), t.getValue().shape(), t.getValue().data()));
    }
    ModelProto.Builder m = ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("admm4j")
        .setModelVersion(1)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(e.graph);
    m.addMetadataProps(meta(ModelMetadata.SPEC, model.spec().toJson()));
    if (normalization != null) {
      m.addMetadataProps(meta(ModelMetadata.NORMALIZATION, normalization.toJson()));
    }
    return m.build();
  }

  private static StringStringEntryProto meta(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  private ValueInfoProto valueInfo(String name, int[] perSample) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
    for (int d : perSample) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(OnnxTensors.FLOAT).setShape(shape))).build();
  }

  /** Emits the nodes of one list of layers from {@code value}; returns the last value. */
  private String chain(List<LayerSpec> layers, String prefix, String value) {
    String v = value;
    for (LayerSpec l : layers) {
      v = layer(l, prefix + l.name(), v);
    }
    return v;
  }

  private String layer(LayerSpec l, String full, String in) {
    String scope = "/" + full.replace('.', '/') + "/";
    if (l instanceof LayerSpec.Conv2d c) {
      List<String> inputs = c.bias() ? List.of(in, full + ".weight", full + ".bias") : List.of(in, full + ".weight");
      return node("Conv", scope + "Conv", inputs, ints("dilations", 1, 1), i("group", 1),
          ints("kernel_shape", c.kernel(), c.kernel()), ints("pads", c.padding(), c.padding(), c.padding(), c.padding()),
          ints("strides", c.stride(), c.stride()));
    } else if (l instanceof LayerSpec.Linear f) {
      List<String> inputs = f.bias() ? List.of(in, full + ".weight", full + ".bias") : List.of(in, full + ".weight");
      return node("Gemm", scope + "Gemm", inputs, f("alpha", 1f), f("beta", 1f), i("transB", 1));
    } else if (l instanceof LayerSpec.BatchNorm b) {
      return node("BatchNormalization", scope + "BatchNormalization", List.of(in, full + ".weight", full + ".bias",
          full + ".running_mean", full + ".running_var"), f("epsilon", b.eps()),
          f("momentum", (float) (1.0 - (double) b.momentum())));
    } else if (l instanceof LayerSpec.Relu) {
      return node("Relu", scope + "Relu", List.of(in));
    } else if (l instanceof LayerSpec.MaxPool p) {
      return node("MaxPool", scope + "MaxPool", List.of(in), i("ceil_mode", 0), ints("kernel_shape", p.kernel(), p.kernel()),
          ints("pads", p.padding(), p.padding(), p.padding(), p.padding()), ints("strides", p.stride(), p.stride()));
    } else if (l instanceof LayerSpec.AvgPool p) {
      return node("AveragePool", scope + "AveragePool", List.of(in), i("ceil_mode", 0), i("count_include_pad", 1),
          ints("kernel_shape", p.kernel(), p.kernel()), ints("pads", p.padding(), p.padding(), p.padding(), p.padding()),
          ints("strides", p.stride(), p.stride()));
    } else if (l instanceof LayerSpec.GlobalAvgPool) {
      return node("GlobalAveragePool", scope + "GlobalAveragePool", List.of(in));
    } else if (l instanceof LayerSpec.Flatten) {
      return node("Flatten", scope + "Flatten", List.of(in), i("axis", 1));
    } else if (l instanceof LayerSpec.Dropout d) {
      String ratio = full + ".ratio";
      graph.addInitializer(OnnxTensors.of(ratio, new int[0], new float[] {d.p()}));
      return node("Dropout", scope + "Dropout", List.of(in, ratio));
    } else if (l instanceof LayerSpec.Residual r) {
      String body = chain(r.body(), full + ".", in);
      String shortcut = chain(r.shortcut(), full + ".", in);
      return node("Add", scope + "Add", List.of(body, shortcut));
    }
    throw new IllegalArgumentException("layer type " + l.type() + " has no ONNX form");
  }

  /** Adds a node and returns its (unique) output name. */
  private String node(String op, String name, List<String> inputs, AttributeProto... attributes) {
    String unique = name;
    for (int k = 1; !nodes.add(unique); k++) {
      unique = name + "_" + k;
    }
    String out = unique + "_output_0";
    for (int k = 1; !values.add(out); k++) {
      out = unique + "_output_" + k;
    }
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(unique).addAllInput(inputs).addOutput(out);
    for (AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    graph.addNode(n);
    return out;
  }

  /** Renames the value {@code last} (the final node's output) to {@link #OUTPUT}, where every reader looks. */
  private void renameOutput(String last) {
    for (int i = graph.getNodeCount() - 1; i >= 0; i--) {
      NodeProto n = graph.getNode(i);
      if (n.getOutput(0).equals(last)) {
        graph.setNode(i, n.toBuilder().setOutput(0, OUTPUT));
        return;
      }
    }
    throw new IllegalStateException("no node makes " + last);
  }

  private static AttributeProto ints(String name, long... v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  private static AttributeProto i(String name, long v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
  }

  private static AttributeProto f(String name, float v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
  }
}
