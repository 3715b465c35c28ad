package org.admm4j.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.ValueInfoProto;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.Tensor;
import org.admm4j.nn.spec.LayerSpec;
import org.admm4j.nn.spec.ModelSpec;

/**
 * Reads an ONNX model as {@code torch.onnx.export} writes it (opsets 11–17, and admm4j's own exports) into
 * an admm4j architecture and its weights.
 *
 * <p>The graph must be a chain from its one input to its one output, with residual blocks: a value used
 * by two branches that meet again in an {@code Add}. Supported: {@value #SUPPORTED}. Layers are named from
 * the weight's initializer ({@code block1.conv1.weight} → {@code conv1} in block {@code block1}) or, when
 * torch gave the initializer an anonymous name ({@code onnx::Conv_72}, a conv with its BatchNorm folded
 * in), from the node's scope ({@code /block1/conv1/Conv}); layers with neither get the spec's automatic
 * names ({@code relu2}). A BatchNorm's momentum is stored by ONNX as {@code 1 − m} in float; it is read
 * back rounded to 7 decimals, so PyTorch's momenta (0.1, 0.01) come back exactly.
 *
 * <p>Everything is checked before a model is built: unsupported ops (naming the node, its op type and
 * this list), dangling inputs, cycles, external data, and tensor dims that do not match the bytes present
 * (checked before any array is allocated). The file itself is bounded by protobuf's 2 GiB limit.
 */
public final class OnnxImporter {

  /** What the importer accepts, as every refusal lists it. */
  public static final String SUPPORTED = "Conv, Gemm, MatMul (+ Add of a bias), Relu, MaxPool, AveragePool, "
      + "GlobalAveragePool, BatchNormalization, Flatten, Reshape (to a flatten), Add (of two branches: a "
      + "residual block), Dropout, Identity, Constant, Pad (of zeros, before an AveragePool or empty), "
      + "Softmax / LogSoftmax (as the last node)";

  private static final Set<String> OPS = Set.of("Conv", "Gemm", "MatMul", "Relu", "MaxPool", "AveragePool",
      "GlobalAveragePool", "BatchNormalization", "Flatten", "Reshape", "Add", "Dropout", "Identity", "Constant",
      "Softmax", "LogSoftmax", "Pad");

  /** Protobuf's own limit on one message. */
  private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;
  /** ONNX's default operator set, under either of its names. */
  private static final Set<String> DEFAULT_DOMAINS = Set.of("", "ai.onnx");
  /** Decimals a BatchNorm momentum is rounded to on import (see the class comment). */
  private static final int MOMENTUM_DECIMALS = 7;
  private static final String ANONYMOUS_PREFIX = "onnx::";
  /**
   * Most floats one sample may take at any layer (64 Mi = 256 MiB): a file that claims a larger input or
   * activation is refused instead of making inference allocate it.
   */
  static final long MAX_SAMPLE_FLOATS = 1L << 26;

  private final String source;
  private final GraphProto graph;
  private final Map<String, TensorProto> constants = new HashMap<>();
  private final Map<String, String> alias = new HashMap<>();
  private final Map<String, List<NodeProto>> consumers = new HashMap<>();
  private final Set<NodeProto> visited = new HashSet<>();
  private String output;
  /** Padding of a Pad node, taken over by the AveragePool right after it. */
  private int pendingPad;

  private OnnxImporter(String source, GraphProto graph) {
    this.source = source;
    this.graph = graph;
  }

  /**
   * Reads {@code file}.
   *
   * @throws OnnxFormatException naming the file and the problem when the file is broken, hostile or uses
   *     what is not supported
   */
  public static OnnxModel read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new OnnxFormatException(file + ": " + size + " bytes, more than the 2 GiB a protobuf message can hold");
    }
    return parse(Files.readAllBytes(file), file);
  }

  /** Reads an ONNX model from its bytes; {@code file} names it in messages and in the result (may be null). */
  public static OnnxModel parse(byte[] bytes, Path file) throws OnnxFormatException {
    String source = file == null ? "ONNX model" : file.toString();
    ModelProto model;
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.setSizeLimit(bytes.length);
      model = ModelProto.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new OnnxFormatException(source + ": not a readable ONNX model (truncated or not protobuf): "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new OnnxFormatException(source + ": not a readable ONNX model: " + e.getMessage(), e);
    }
    if (!model.hasGraph() || model.getIrVersion() <= 0) {
      throw new OnnxFormatException(source + ": not an ONNX model: " + (model.hasGraph() ? "no ir_version" : "no graph"));
    }
    for (OperatorSetIdProto op : model.getOpsetImportList()) {
      if (DEFAULT_DOMAINS.contains(op.getDomain()) && op.getVersion() < 7) {
        throw new OnnxFormatException(source + ": opset " + op.getVersion() + " is too old; admm4j reads opsets 7 and up");
      }
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (StringStringEntryProto e : model.getMetadataPropsList()) {
      metadata.put(e.getKey(), e.getValue());
    }
    InputNormalization normalization = null;
    String json = metadata.get(ModelMetadata.NORMALIZATION);
    if (json != null) {
      try {
        normalization = InputNormalization.parse(json);
      } catch (IllegalArgumentException e) {
        throw new OnnxFormatException(source + ": metadata_props " + ModelMetadata.NORMALIZATION + ": " + e.getMessage(), e);
      }
    }
    String name = "admm4j".equals(model.getProducerName()) && !model.getGraph().getName().isEmpty()
        ? model.getGraph().getName() : stem(file);
    OnnxImporter importer = new OnnxImporter(source, model.getGraph());
    importer.checkGraph();
    return importer.convert(file, name, normalization, metadata);
  }

  private static String stem(Path file) {
    if (file == null) {
      return "onnx";
    }
    String n = file.getFileName().toString();
    return n.endsWith(".onnx") ? n.substring(0, n.length() - ".onnx".length()) : n;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Checks of the whole graph, before any conversion.

  private void checkGraph() throws OnnxFormatException {
    for (TensorProto t : graph.getInitializerList()) {
      OnnxTensors.check(t, source + ": initializer");
      constants.put(t.getName(), t);
    }
    if (graph.getSparseInitializerCount() > 0) {
      throw new OnnxFormatException(source + ": sparse initializers are not supported");
    }
    for (NodeProto n : graph.getNodeList()) {
      if (!DEFAULT_DOMAINS.contains(n.getDomain()) || !OPS.contains(n.getOpType())) {
        throw new OnnxFormatException(source + ": node '" + n.getName() + "' has op type "
            + (n.getDomain().isEmpty() ? "" : n.getDomain() + ".") + n.getOpType() + ", which admm4j does not "
            + "support; supported: " + SUPPORTED);
      }
      if (n.getOpType().equals("Constant")) {
        constants.put(output(n, 0), constantValue(n));
      }
    }
    // Every input must be made by something; then Kahn's algorithm orders the nodes or finds a cycle.
    Map<String, NodeProto> producer = new HashMap<>();
    for (NodeProto n : graph.getNodeList()) {
      for (String o : n.getOutputList()) {
        if (!o.isEmpty() && (producer.put(o, n) != null || constants.containsKey(o) && !n.getOpType().equals("Constant"))) {
          throw new OnnxFormatException(source + ": value '" + o + "' is produced twice (node '" + n.getName() + "')");
        }
      }
    }
    Set<String> inputs = new HashSet<>();
    for (ValueInfoProto v : graph.getInputList()) {
      inputs.add(v.getName());
    }
    Map<NodeProto, Integer> waiting = new HashMap<>();
    Map<String, List<NodeProto>> users = new HashMap<>();
    for (NodeProto n : graph.getNodeList()) {
      int pending = 0;
      for (String in : n.getInputList()) {
        if (in.isEmpty() || inputs.contains(in) || constants.containsKey(in) && !producer.containsKey(in)) {
          continue;
        }
        if (!producer.containsKey(in)) {
          throw new OnnxFormatException(source + ": node '" + n.getName() + "' (" + n.getOpType() + ") reads '" + in
              + "', which no node, initializer or graph input provides");
        }
        pending++;
        users.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
      waiting.put(n, pending);
    }
    ArrayDeque<NodeProto> ready = new ArrayDeque<>();
    waiting.forEach((n, p) -> {
      if (p == 0) {
        ready.add(n);
      }
    });
    int ordered = 0;
    while (!ready.isEmpty()) {
      NodeProto n = ready.poll();
      ordered++;
      for (String o : n.getOutputList()) {
        for (NodeProto u : users.getOrDefault(o, List.of())) {
          if (waiting.merge(u, -1, Integer::sum) == 0) {
            ready.add(u);
          }
        }
      }
    }
    if (ordered != graph.getNodeCount()) {
      List<String> stuck = new ArrayList<>();
      waiting.forEach((n, p) -> {
        if (p > 0 && stuck.size() < 5) {
          stuck.add("'" + n.getName() + "' (" + n.getOpType() + ")");
        }
      });
      throw new OnnxFormatException(source + ": the graph has a cycle through " + String.join(", ", stuck));
    }
    if (graph.getOutputCount() != 1) {
      throw new OnnxFormatException(source + ": the graph has " + graph.getOutputCount()
          + " outputs; admm4j reads classifiers with one output (the logits)");
    }
    String out = graph.getOutput(0).getName();
    if (!producer.containsKey(out) && !inputs.contains(out)) {
      throw new OnnxFormatException(source + ": the graph output '" + out + "' is produced by no node");
    }
  }

  private TensorProto constantValue(NodeProto n) throws OnnxFormatException {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals("value") && a.hasT()) {
        TensorProto t = a.getT();
        OnnxTensors.check(t, where(n));
        return t;
      }
    }
    throw new OnnxFormatException(where(n) + ": only Constant nodes with a tensor 'value' are supported");
  }

  // ---------------------------------------------------------------------------------------------------------
  // Conversion: follow the chain from the input to the output.

  /** A layer before its final name: its spec (name null), candidate name, tensors by suffix, and blocks. */
  private record Draft(LayerSpec spec, String candidate, Map<String, Tensor> tensors, List<Draft> body,
      List<Draft> shortcut) {
    Draft(LayerSpec spec, String candidate) {
      this(spec, candidate, Map.of(), List.of(), List.of());
    }

    Draft(LayerSpec spec, String candidate, Map<String, Tensor> tensors) {
      this(spec, candidate, tensors, List.of(), List.of());
    }
  }

  /** A chain of layers up to {@code end}, stopped at {@code merge} (an Add of two branches) or the output. */
  private record Segment(List<Draft> layers, String end, NodeProto merge, int[] shape) {}

  private OnnxModel convert(Path file, String name, InputNormalization normalization, Map<String, String> metadata)
      throws OnnxFormatException {
    for (NodeProto n : graph.getNodeList()) {
      if (n.getOpType().equals("Identity")) {
        alias.put(output(n, 0), n.getInput(0));
        visited.add(n);
      } else if (n.getOpType().equals("Constant")) {
        visited.add(n);
      }
    }
    for (NodeProto n : graph.getNodeList()) {
      if (visited.contains(n)) {
        continue;
      }
      for (String in : n.getInputList()) {
        String v = resolve(in);
        if (!in.isEmpty() && !constants.containsKey(v)) {
          consumers.computeIfAbsent(v, k -> new ArrayList<>()).add(n);
        }
      }
    }
    output = resolve(graph.getOutput(0).getName());
    List<ValueInfoProto> real = new ArrayList<>();
    for (ValueInfoProto v : graph.getInputList()) {
      if (!constants.containsKey(v.getName())) {
        real.add(v);
      }
    }
    if (real.size() != 1) {
      throw new OnnxFormatException(source + ": the graph has " + real.size() + " inputs besides its weights; admm4j "
          + "reads models with one input (the images)");
    }
    int[] input = inputShape(real.get(0));
    checkSize(input, "input '" + real.get(0).getName() + "'");
    Segment top = chain(real.get(0).getName(), null, input);
    if (top.merge() != null) {
      throw new OnnxFormatException(where(top.merge()) + ": adds a value that is not a branch of a residual block");
    }
    for (NodeProto n : graph.getNodeList()) {
      if (!visited.contains(n)) {
        throw new OnnxFormatException(where(n) + " is not on the chain from the input to the output; admm4j reads "
            + "chains with residual blocks");
      }
    }
    if (top.shape().length != 1) {
      throw new OnnxFormatException(source + ": the graph ends in shape " + Arrays.toString(top.shape())
          + " per sample; admm4j reads classifiers that end in [classes] logits");
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    List<LayerSpec> layers = finish(top.layers(), "", "", tensors);
    return new OnnxModel(file, new ModelSpec(name, input, top.shape()[0], layers), tensors, normalization, metadata);
  }

  private int[] inputShape(ValueInfoProto v) throws OnnxFormatException {
    if (!v.getType().hasTensorType() || v.getType().getTensorType().getElemType() != OnnxTensors.FLOAT) {
      throw new OnnxFormatException(source + ": input '" + v.getName() + "' must be a float tensor");
    }
    List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
    if (dims.size() != 4 && dims.size() != 2) {
      throw new OnnxFormatException(source + ": input '" + v.getName() + "' has " + dims.size() + " dimensions; "
          + "expected [N, C, H, W] or [N, features]");
    }
    int[] shape = new int[dims.size() - 1];
    for (int i = 1; i < dims.size(); i++) {
      long d = dims.get(i).getDimValue();
      if (!dims.get(i).hasDimValue() || d < 1 || d > Integer.MAX_VALUE / 4) {
        throw new OnnxFormatException(source + ": input '" + v.getName() + "' dimension " + i + " must be a fixed "
            + "positive size, found " + (dims.get(i).hasDimValue() ? d : "'" + dims.get(i).getDimParam() + "'"));
      }
      shape[i - 1] = (int) d;
    }
    return shape;
  }

  private String resolve(String value) {
    String v = value;
    for (int guard = 0; alias.containsKey(v) && guard <= alias.size(); guard++) {
      v = alias.get(v);
    }
    return v;
  }

  private boolean isConstant(String value) {
    return constants.containsKey(resolve(value));
  }

  private Segment chain(String value, NodeProto first, int[] shape) throws OnnxFormatException {
    List<Draft> layers = new ArrayList<>();
    NodeProto node = first;
    while (true) {
      if (node == null) {
        List<NodeProto> next = consumers.getOrDefault(value, List.of());
        if (value.equals(output)) {
          if (!next.isEmpty()) {
            throw new OnnxFormatException(where(next.get(0)) + " reads the graph output '" + value + "'");
          }
          return new Segment(layers, value, null, shape);
        }
        if (next.isEmpty()) {
          throw new OnnxFormatException(source + ": value '" + value + "' leads nowhere: no node reads it and it is "
              + "not the graph output");
        }
        if (next.size() > 1) {
          Segment block = residual(value, next, shape);
          layers.addAll(block.layers());
          value = block.end();
          shape = block.shape();
          continue;
        }
        node = next.get(0);
      }
      if (node.getOpType().equals("Add") && !isConstant(node.getInput(0)) && !isConstant(node.getInput(1))) {
        return new Segment(layers, value, node, shape);
      }
      if (!resolve(node.getInput(0)).equals(value)) {
        throw new OnnxFormatException(where(node) + ": reads '" + value + "' as an input other than its first");
      }
      visited.add(node);
      String out = output(node, 0);
      shape = layer(node, shape, layers);
      checkSize(shape, "node '" + node.getName() + "' (" + node.getOpType() + ")");
      value = out;
      if (node.getOpType().equals("MatMul")) {
        value = matMulBias(node, layers, value);
      }
      node = null;
    }
  }

  /** A residual block: the two branches from {@code fork} to the Add where they meet. */
  private Segment residual(String fork, List<NodeProto> branches, int[] shape) throws OnnxFormatException {
    if (branches.size() != 2) {
      throw new OnnxFormatException(source + ": value '" + fork + "' feeds " + branches.size() + " nodes; admm4j "
          + "reads residual blocks of two branches");
    }
    Segment[] seg = new Segment[2];
    for (int i = 0; i < 2; i++) {
      NodeProto b = branches.get(i);
      seg[i] = b.getOpType().equals("Add") ? new Segment(List.of(), fork, b, shape) : chain(fork, b, shape);
      if (seg[i].merge() == null) {
        throw new OnnxFormatException(source + ": the branches from '" + fork + "' never meet in an Add");
      }
    }
    NodeProto add = seg[0].merge();
    if (add != seg[1].merge()) {
      throw new OnnxFormatException(where(seg[0].merge()) + " and " + where(seg[1].merge()) + ": the branches from '"
          + fork + "' end in different Adds");
    }
    if (!Arrays.equals(seg[0].shape(), seg[1].shape())) {
      throw new OnnxFormatException(where(add) + ": adds shapes " + Arrays.toString(seg[0].shape()) + " and "
          + Arrays.toString(seg[1].shape()));
    }
    checkOutputs(add, 1);
    visited.add(add);
    // The body feeds the Add's first input (PyTorch's body(x) + shortcut(x)), unless it is the empty branch.
    int body = resolve(add.getInput(0)).equals(seg[0].end()) ? 0 : 1;
    if (seg[body].layers().isEmpty()) {
      body = 1 - body;
    }
    Draft block = new Draft(new LayerSpec.Residual(null, List.of(), List.of()), scope(add), Map.of(),
        seg[body].layers(), seg[1 - body].layers());
    return new Segment(List.of(block), output(add, 0), null, seg[0].shape());
  }

  /** Converts one node into layers (none for nodes that do nothing at inference); returns the new shape. */
  private int[] layer(NodeProto n, int[] shape, List<Draft> out) throws OnnxFormatException {
    Attributes a = new Attributes(n);
    switch (n.getOpType()) {
      case "Conv":
        return conv(n, a, shape, out);
      case "Gemm":
        return gemm(n, a, shape, out);
      case "MatMul":
        return matMul(n, shape, out);
      case "BatchNormalization":
        return batchNorm(n, a, shape, out);
      case "Relu":
        checkOutputs(n, 1);
        out.add(new Draft(new LayerSpec.Relu(null), scope(n)));
        return shape;
      case "MaxPool":
      case "AveragePool":
        return pool(n, a, shape, out);
      case "GlobalAveragePool":
        spatial(n, shape);
        checkOutputs(n, 1);
        out.add(new Draft(new LayerSpec.GlobalAvgPool(null), scope(n)));
        return new int[] {shape[0], 1, 1};
      case "Flatten":
        a.only("axis");
        if (a.i("axis", 1) != 1) {
          throw new OnnxFormatException(where(n) + ": Flatten with axis " + a.i("axis", 1) + "; only axis 1 (keep the batch)");
        }
        return flatten(n, shape, out);
      case "Reshape":
        return reshape(n, a, shape, out);
      case "Dropout":
        return dropout(n, a, shape, out);
      case "Pad":
        return pad(n, a, shape, out);
      case "Softmax":
      case "LogSoftmax":
        if (!output(n, 0).equals(output)) {
          throw new OnnxFormatException(where(n) + ": " + n.getOpType() + " is supported only as the last node (the "
              + "model then gives logits); supported: " + SUPPORTED);
        }
        return shape;
      case "Add":
        throw new OnnxFormatException(where(n) + ": an Add of a constant is supported only as the bias of a MatMul; "
            + "supported: " + SUPPORTED);
      default:
        throw new OnnxFormatException(where(n) + ": op type " + n.getOpType() + " is not supported here; supported: "
            + SUPPORTED);
    }
  }

  private int[] conv(NodeProto n, Attributes a, int[] shape, List<Draft> out) throws OnnxFormatException {
    spatial(n, shape);
    checkOutputs(n, 1);
    a.only("kernel_shape", "strides", "pads", "dilations", "group", "auto_pad");
    a.autoPadNotSet();
    if (a.i("group", 1) != 1) {
      throw new OnnxFormatException(where(n) + ": group " + a.i("group", 1) + "; only plain convolutions (group 1)");
    }
    a.allOnes("dilations");
    TensorProto w = weight(n, 1);
    int[] ws = OnnxTensors.shape(w);
    if (ws.length != 4 || ws[1] != shape[0] || ws[2] != ws[3]) {
      throw new OnnxFormatException(where(n) + ": weight '" + w.getName() + "' has shape " + Arrays.toString(ws)
          + "; expected [out, " + shape[0] + ", k, k] (square kernels)");
    }
    int k = ws[2];
    a.square("kernel_shape", k, k);
    int s = a.square("strides", -1, 1);
    int p = a.pads();
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("weight", new Tensor(ws, OnnxTensors.floats(w, where(n))));
    boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
    if (bias) {
      t.put("bias", vector(n, 2, ws[0]));
    }
    out.add(new Draft(new LayerSpec.Conv2d(null, ws[0], k, s, p, bias), weightName(n, w), t));
    return new int[] {ws[0], size(n, shape[1], k, s, p), size(n, shape[2], k, s, p)};
  }

  private int[] gemm(NodeProto n, Attributes a, int[] shape, List<Draft> out) throws OnnxFormatException {
    flat(n, shape);
    checkOutputs(n, 1);
    a.only("alpha", "beta", "transA", "transB");
    if (a.f("alpha", 1f) != 1f || a.f("beta", 1f) != 1f || a.i("transA", 0) != 0) {
      throw new OnnxFormatException(where(n) + ": Gemm with alpha " + a.f("alpha", 1f) + ", beta " + a.f("beta", 1f)
          + ", transA " + a.i("transA", 0) + "; only alpha = beta = 1, transA = 0 (a linear layer)");
    }
    TensorProto w = weight(n, 1);
    boolean transB = a.i("transB", 0) == 1;
    float[] data = matrix(n, w, shape[0], transB);
    int outFeatures = data.length / shape[0];
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("weight", new Tensor(new int[] {outFeatures, shape[0]}, data));
    boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
    if (bias) {
      t.put("bias", vector(n, 2, outFeatures));
    }
    out.add(new Draft(new LayerSpec.Linear(null, outFeatures, bias), weightName(n, w), t));
    return new int[] {outFeatures};
  }

  private int[] matMul(NodeProto n, int[] shape, List<Draft> out) throws OnnxFormatException {
    flat(n, shape);
    checkOutputs(n, 1);
    TensorProto w = weight(n, 1);
    float[] data = matrix(n, w, shape[0], false);
    int outFeatures = data.length / shape[0];
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("weight", new Tensor(new int[] {outFeatures, shape[0]}, data));
    out.add(new Draft(new LayerSpec.Linear(null, outFeatures, false), weightName(n, w), t));
    return new int[] {outFeatures};
  }

  /** Folds an {@code Add} of a constant vector after a MatMul into its linear layer's bias. */
  private String matMulBias(NodeProto matMul, List<Draft> layers, String value) throws OnnxFormatException {
    List<NodeProto> next = consumers.getOrDefault(value, List.of());
    if (next.size() != 1 || !next.get(0).getOpType().equals("Add")) {
      return value;
    }
    NodeProto add = next.get(0);
    int other = resolve(add.getInput(0)).equals(value) ? 1 : 0;
    if (!isConstant(add.getInput(other))) {
      return value;
    }
    checkOutputs(add, 1);
    Draft d = layers.remove(layers.size() - 1);
    LayerSpec.Linear lin = (LayerSpec.Linear) d.spec();
    Map<String, Tensor> t = new LinkedHashMap<>(d.tensors());
    t.put("bias", vector(add, other, lin.outFeatures()));
    layers.add(new Draft(new LayerSpec.Linear(null, lin.outFeatures(), true), d.candidate(), t));
    visited.add(add);
    return output(add, 0);
  }

  private int[] batchNorm(NodeProto n, Attributes a, int[] shape, List<Draft> out) throws OnnxFormatException {
    checkOutputs(n, 1);
    a.only("epsilon", "momentum", "training_mode", "spatial");
    if (a.i("training_mode", 0) != 0 || a.i("spatial", 1) != 1) {
      throw new OnnxFormatException(where(n) + ": BatchNormalization in training mode or non-spatial; only "
          + "inference BatchNorm (export the model in eval mode)");
    }
    if (n.getInputCount() != 5) {
      throw new OnnxFormatException(where(n) + ": BatchNormalization needs 5 inputs, found " + n.getInputCount());
    }
    int c = shape[0];
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("weight", vector(n, 1, c));
    t.put("bias", vector(n, 2, c));
    t.put("running_mean", vector(n, 3, c));
    t.put("running_var", vector(n, 4, c));
    float momentum = new BigDecimal(1.0 - (double) a.f("momentum", 0.9f))
        .setScale(MOMENTUM_DECIMALS, RoundingMode.HALF_EVEN).floatValue();
    out.add(new Draft(new LayerSpec.BatchNorm(null, a.f("epsilon", 1e-5f), momentum), weightName(n, weight(n, 1)), t));
    return shape;
  }

  private int[] pool(NodeProto n, Attributes a, int[] shape, List<Draft> out) throws OnnxFormatException {
    spatial(n, shape);
    boolean max = n.getOpType().equals("MaxPool");
    if (max) {
      a.only("kernel_shape", "strides", "pads", "dilations", "ceil_mode", "auto_pad", "storage_order");
    } else {
      a.only("kernel_shape", "strides", "pads", "ceil_mode", "auto_pad", "count_include_pad");
    }
    checkOutputs(n, 1);
    a.autoPadNotSet();
    a.allOnes("dilations");
    if (a.i("ceil_mode", 0) != 0) {
      throw new OnnxFormatException(where(n) + ": ceil_mode 1; only floor mode (PyTorch's default)");
    }
    int k = a.square("kernel_shape", -1, -1);
    if (k < 1) {
      throw new OnnxFormatException(where(n) + ": needs a kernel_shape");
    }
    int s = a.square("strides", -1, 1);
    int p = a.pads();
    if (pendingPad > 0) {
      if (max || p != 0) {
        throw new OnnxFormatException(where(n) + ": follows a Pad; only an AveragePool without pads of its own may");
      }
      p = pendingPad;
      pendingPad = 0;
    } else if (!max && p > 0 && a.i("count_include_pad", 0) != 1) {
      throw new OnnxFormatException(where(n) + ": AveragePool with padding that does not count the padded zeros; "
          + "only count_include_pad = 1 (PyTorch's default)");
    }
    out.add(new Draft(max ? new LayerSpec.MaxPool(null, k, s, p) : new LayerSpec.AvgPool(null, k, s, p), scope(n)));
    return new int[] {shape[0], size(n, shape[1], k, s, p), size(n, shape[2], k, s, p)};
  }

  private int[] flatten(NodeProto n, int[] shape, List<Draft> out) throws OnnxFormatException {
    checkOutputs(n, 1);
    if (shape.length == 1) {
      return shape;
    }
    out.add(new Draft(new LayerSpec.Flatten(null), scope(n)));
    return new int[] {shape[0] * shape[1] * shape[2]};
  }

  private int[] reshape(NodeProto n, Attributes a, int[] shape, List<Draft> out) throws OnnxFormatException {
    a.only("allowzero");
    if (n.getInputCount() < 2 || !isConstant(n.getInput(1))) {
      throw new OnnxFormatException(where(n) + ": Reshape to a shape computed in the graph; only Reshape to a "
          + "constant flatten shape ([-1, C·H·W], [0, -1], [N, C·H·W]); export with static shapes or use flatten");
    }
    long[] to = OnnxTensors.longs(constants.get(resolve(n.getInput(1))), where(n));
    long features = 1;
    for (int d : shape) {
      features *= d;
    }
    boolean flat = to.length == 2 && (to[0] == -1 || to[0] == 0 || to[0] > 0)
        && (to[1] == features || to[1] == -1 && to[0] == 0 || to[1] == -1 && to[0] > 0);
    if (!flat || a.i("allowzero", 0) != 0) {
      throw new OnnxFormatException(where(n) + ": Reshape to " + Arrays.toString(to) + " from " + Arrays.toString(shape)
          + " per sample is not a flatten; only Reshape to [-1, " + features + "], [0, -1] or [N, " + features + "]");
    }
    return flatten(n, shape, out);
  }

  /**
   * torch writes {@code avg_pool2d(padding=p)} as a Pad of zeros and an AveragePool; an AveragePool of a
   * zero-padded input counts the padded zeros, which is the AvgPool layer's own padding.
   */
  private int[] pad(NodeProto n, Attributes a, int[] shape, List<Draft> out) throws OnnxFormatException {
    spatial(n, shape);
    checkOutputs(n, 1);
    a.only("mode", "pads", "value");
    if (!a.s("mode", "constant").equals("constant") || a.f("value", 0f) != 0f) {
      throw new OnnxFormatException(where(n) + ": only a Pad of zeros (mode constant, value 0)");
    }
    long[] pads;
    if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
      if (!isConstant(n.getInput(1))) {
        throw new OnnxFormatException(where(n) + ": Pad with computed pads; only constant pads");
      }
      pads = OnnxTensors.longs(constants.get(resolve(n.getInput(1))), where(n));
    } else {
      pads = a.longs("pads");
    }
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      float[] v = OnnxTensors.floats(constants.get(resolve(n.getInput(2))), where(n));
      if (v.length != 1 || v[0] != 0f) {
        throw new OnnxFormatException(where(n) + ": only a Pad of zeros");
      }
    }
    if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) {
      throw new OnnxFormatException(where(n) + ": Pad with axes; only pads for every axis");
    }
    boolean zero = Arrays.stream(pads).allMatch(x -> x == 0);
    if (zero) {
      return shape;
    }
    // [N, C, H, W] begins then ends: only H and W padded, the same on every side.
    boolean spatialOnly = pads.length == 8 && pads[0] == 0 && pads[1] == 0 && pads[4] == 0 && pads[5] == 0
        && pads[2] == pads[3] && pads[2] == pads[6] && pads[2] == pads[7] && pads[2] > 0 && pads[2] < Integer.MAX_VALUE / 4;
    List<NodeProto> next = consumers.getOrDefault(output(n, 0), List.of());
    if (!spatialOnly || next.size() != 1 || !next.get(0).getOpType().equals("AveragePool")) {
      throw new OnnxFormatException(where(n) + ": Pad " + Arrays.toString(pads) + " is supported only as the same "
          + "spatial padding right before an AveragePool (PyTorch's avg_pool2d with padding)");
    }
    pendingPad = (int) pads[2];
    return shape;
  }

  private int[] dropout(NodeProto n, Attributes a, int[] shape, List<Draft> out) throws OnnxFormatException {
    a.only("ratio", "seed", "is_test");
    for (int i = 1; i < n.getOutputCount(); i++) {
      if (!n.getOutput(i).isEmpty() && consumers.containsKey(n.getOutput(i))) {
        throw new OnnxFormatException(where(n) + ": uses the Dropout mask; only inference Dropout");
      }
    }
    float p = a.f("ratio", 0.5f);
    if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
      if (!isConstant(n.getInput(1))) {
        throw new OnnxFormatException(where(n) + ": Dropout ratio computed in the graph; only a constant ratio");
      }
      float[] r = OnnxTensors.floats(constants.get(resolve(n.getInput(1))), where(n));
      if (r.length != 1) {
        throw new OnnxFormatException(where(n) + ": Dropout ratio has " + r.length + " values, expected 1");
      }
      p = r[0];
    }
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      long[] training = isConstant(n.getInput(2)) ? longsOrBool(n, 2) : new long[] {1};
      if (training.length != 1 || training[0] != 0) {
        throw new OnnxFormatException(where(n) + ": Dropout in training mode; only inference Dropout");
      }
    }
    out.add(new Draft(new LayerSpec.Dropout(null, p), scope(n)));
    return shape;
  }

  private long[] longsOrBool(NodeProto n, int input) throws OnnxFormatException {
    TensorProto t = constants.get(resolve(n.getInput(input)));
    if (t.getDataType() == TensorProto.DataType.BOOL_VALUE) {
      int count = OnnxTensors.count(t, where(n));
      long[] v = new long[count];
      for (int i = 0; i < count; i++) {
        v[i] = t.hasRawData() ? t.getRawData().byteAt(i) : t.getInt32Data(i);
      }
      return v;
    }
    return OnnxTensors.longs(t, where(n));
  }

  // ---------------------------------------------------------------------------------------------------------
  // Small helpers.

  private TensorProto weight(NodeProto n, int input) throws OnnxFormatException {
    if (n.getInputCount() <= input || n.getInput(input).isEmpty() || !isConstant(n.getInput(input))) {
      throw new OnnxFormatException(where(n) + ": input " + input + " must be a weight (an initializer or Constant), "
          + "found " + (n.getInputCount() > input ? "'" + n.getInput(input) + "'" : "nothing"));
    }
    return constants.get(resolve(n.getInput(input)));
  }

  private Tensor vector(NodeProto n, int input, int length) throws OnnxFormatException {
    TensorProto t = weight(n, input);
    int[] s = OnnxTensors.shape(t);
    boolean ok = s.length == 1 && s[0] == length || s.length == 2 && s[0] == 1 && s[1] == length;
    if (!ok) {
      throw new OnnxFormatException(where(n) + ": '" + t.getName() + "' has shape " + Arrays.toString(s) + ", expected ["
          + length + "]");
    }
    return new Tensor(new int[] {length}, OnnxTensors.floats(t, where(n)));
  }

  /** A {@code [out, in]} weight from an ONNX matrix {@code [out, in]} (transposed) or {@code [in, out]}. */
  private float[] matrix(NodeProto n, TensorProto w, int in, boolean transposed) throws OnnxFormatException {
    int[] s = OnnxTensors.shape(w);
    if (s.length != 2 || s[transposed ? 1 : 0] != in) {
      throw new OnnxFormatException(where(n) + ": weight '" + w.getName() + "' has shape " + Arrays.toString(s)
          + "; expected " + (transposed ? "[out, " + in + "]" : "[" + in + ", out]"));
    }
    float[] data = OnnxTensors.floats(w, where(n));
    if (transposed) {
      return data;
    }
    int out = s[1];
    float[] t = new float[data.length];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        t[o * in + i] = data[i * out + o];
      }
    }
    return t;
  }

  private void checkSize(int[] shape, String what) throws OnnxFormatException {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    if (n > MAX_SAMPLE_FLOATS) {
      throw new OnnxFormatException(source + ": " + what + " gives " + Arrays.toString(shape) + " = " + n
          + " floats per sample, more than the " + MAX_SAMPLE_FLOATS + " admm4j accepts");
    }
  }

  private void spatial(NodeProto n, int[] shape) throws OnnxFormatException {
    if (shape.length != 3) {
      throw new OnnxFormatException(where(n) + ": " + n.getOpType() + " needs [C, H, W] per sample, gets "
          + Arrays.toString(shape));
    }
  }

  private void flat(NodeProto n, int[] shape) throws OnnxFormatException {
    if (shape.length != 1) {
      throw new OnnxFormatException(where(n) + ": " + n.getOpType() + " on " + Arrays.toString(shape) + " per sample; "
          + "only on flat features (Flatten first)");
    }
  }

  private int size(NodeProto n, int in, int k, int s, int p) throws OnnxFormatException {
    int out = (in + 2 * p - k) / s + 1;
    if (in + 2 * p < k || out < 1) {
      throw new OnnxFormatException(where(n) + ": kernel " + k + " stride " + s + " padding " + p + " leaves no output "
          + "from size " + in);
    }
    return out;
  }

  private void checkOutputs(NodeProto n, int count) throws OnnxFormatException {
    for (int i = count; i < n.getOutputCount(); i++) {
      if (!n.getOutput(i).isEmpty() && consumers.containsKey(n.getOutput(i))) {
        throw new OnnxFormatException(where(n) + ": output " + i + " ('" + n.getOutput(i) + "') is used; only the "
            + "first output of a " + n.getOpType() + " is supported");
      }
    }
  }

  private String output(NodeProto n, int i) throws OnnxFormatException {
    if (n.getOutputCount() <= i || n.getOutput(i).isEmpty()) {
      throw new OnnxFormatException(where(n) + ": has no output " + i);
    }
    return n.getOutput(i);
  }

  private String where(NodeProto n) {
    return source + ": node '" + n.getName() + "' (" + n.getOpType() + ")";
  }

  /** {@code block1.conv1} from {@code /block1/conv1/Conv}; null when the node carries no scope. */
  private static String scope(NodeProto n) {
    String name = n.getName();
    if (!name.startsWith("/")) {
      return null;
    }
    String[] parts = name.substring(1).split("/");
    return parts.length < 2 ? null : String.join(".", Arrays.copyOf(parts, parts.length - 1));
  }

  /** The layer name a weight's initializer gives ({@code conv1.weight} → {@code conv1}), else the node's scope. */
  private static String weightName(NodeProto n, TensorProto w) {
    String name = w.getName();
    if (!name.startsWith(ANONYMOUS_PREFIX) && name.endsWith(".weight") && name.length() > ".weight".length()) {
      return name.substring(0, name.length() - ".weight".length());
    }
    return scope(n);
  }

  /**
   * Final names, list by list: a candidate relative to the enclosing block when it is a valid, unused name,
   * else the spec's automatic {@code <type><n>} (n counting that type in the list, body and shortcut
   * together, as {@code SpecReader} does); tensors are stored under the final full names.
   */
  private static List<LayerSpec> finish(List<Draft> drafts, String prefix, String fullPrefix,
      Map<String, Tensor> tensors) {
    return finish(drafts, prefix, fullPrefix, tensors, new HashMap<>(), new HashSet<>());
  }

  private static List<LayerSpec> finish(List<Draft> drafts, String prefix, String fullPrefix,
      Map<String, Tensor> tensors, Map<String, Integer> counters, Set<String> used) {
    List<LayerSpec> out = new ArrayList<>();
    for (Draft d : drafts) {
      String type = d.spec().type();
      String auto = type + counters.merge(type, 1, Integer::sum);
      String name = d.candidate();
      if (name != null && !prefix.isEmpty()) {
        name = name.startsWith(prefix + ".") ? name.substring(prefix.length() + 1) : name.equals(prefix) ? null : name;
      }
      if (name != null) {
        name = name.replace('.', '_');
      }
      if (name == null || name.isEmpty() || !name.equals(name.strip()) || used.contains(name)) {
        name = auto;
      }
      for (int k = 2; used.contains(name); k++) {
        name = auto + "_" + k;
      }
      used.add(name);
      String full = fullPrefix + name;
      for (Map.Entry<String, Tensor> e : d.tensors().entrySet()) {
        tensors.put(full + "." + e.getKey(), e.getValue());
      }
      out.add(named(d, name, full, tensors));
    }
    return out;
  }

  private static LayerSpec named(Draft d, String name, String full, Map<String, Tensor> tensors) {
    LayerSpec s = d.spec();
    if (s instanceof LayerSpec.Conv2d c) {
      return new LayerSpec.Conv2d(name, c.outChannels(), c.kernel(), c.stride(), c.padding(), c.bias());
    } else if (s instanceof LayerSpec.Linear l) {
      return new LayerSpec.Linear(name, l.outFeatures(), l.bias());
    } else if (s instanceof LayerSpec.BatchNorm b) {
      return new LayerSpec.BatchNorm(name, b.eps(), b.momentum());
    } else if (s instanceof LayerSpec.Relu) {
      return new LayerSpec.Relu(name);
    } else if (s instanceof LayerSpec.MaxPool m) {
      return new LayerSpec.MaxPool(name, m.kernel(), m.stride(), m.padding());
    } else if (s instanceof LayerSpec.AvgPool a) {
      return new LayerSpec.AvgPool(name, a.kernel(), a.stride(), a.padding());
    } else if (s instanceof LayerSpec.GlobalAvgPool) {
      return new LayerSpec.GlobalAvgPool(name);
    } else if (s instanceof LayerSpec.Flatten) {
      return new LayerSpec.Flatten(name);
    } else if (s instanceof LayerSpec.Dropout p) {
      return new LayerSpec.Dropout(name, p.p());
    } else {
      // A residual block: its lists share one counter and one set of names, relative to the block.
      String blockScope = d.candidate() == null ? name : d.candidate();
      Map<String, Integer> counters = new HashMap<>();
      Set<String> used = new HashSet<>();
      List<LayerSpec> body = finish(d.body(), blockScope, full + ".", tensors, counters, used);
      List<LayerSpec> shortcut = finish(d.shortcut(), blockScope, full + ".", tensors, counters, used);
      return new LayerSpec.Residual(name, body, shortcut);
    }
  }

  /** A node's attributes, with PyTorch's and ONNX's defaults. */
  private final class Attributes {
    private final NodeProto node;
    private final Map<String, AttributeProto> byName = new HashMap<>();

    Attributes(NodeProto node) {
      this.node = node;
      for (AttributeProto a : node.getAttributeList()) {
        byName.put(a.getName(), a);
      }
    }

    void only(String... names) throws OnnxFormatException {
      Set<String> known = Set.of(names);
      for (String k : byName.keySet()) {
        if (!known.contains(k)) {
          throw new OnnxFormatException(where(node) + ": attribute '" + k + "' is not supported (known: "
              + String.join(", ", names) + ")");
        }
      }
    }

    long i(String name, long fallback) {
      AttributeProto a = byName.get(name);
      return a == null ? fallback : a.getI();
    }

    String s(String name, String fallback) {
      AttributeProto a = byName.get(name);
      return a == null ? fallback : a.getS().toStringUtf8();
    }

    long[] longs(String name) {
      AttributeProto a = byName.get(name);
      return a == null ? new long[0] : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    float f(String name, float fallback) {
      AttributeProto a = byName.get(name);
      return a == null ? fallback : a.getF();
    }

    /** The one value of a 2-D attribute given as {@code [v, v]}; {@code fallback} when absent. */
    int square(String name, int expected, int fallback) throws OnnxFormatException {
      AttributeProto a = byName.get(name);
      if (a == null) {
        return fallback;
      }
      List<Long> v = a.getIntsList();
      if (v.size() != 2 || !v.get(0).equals(v.get(1)) || v.get(0) < 1 || v.get(0) > Integer.MAX_VALUE / 4
          || expected > 0 && v.get(0) != expected) {
        throw new OnnxFormatException(where(node) + ": " + name + " " + v + "; expected two equal positive values"
            + (expected > 0 ? " [" + expected + ", " + expected + "]" : "") + " (square, 2-D)");
      }
      return v.get(0).intValue();
    }

    int pads() throws OnnxFormatException {
      AttributeProto a = byName.get("pads");
      if (a == null) {
        return 0;
      }
      List<Long> v = a.getIntsList();
      if (v.size() != 4 || v.stream().distinct().count() != 1 || v.get(0) < 0 || v.get(0) > Integer.MAX_VALUE / 4) {
        throw new OnnxFormatException(where(node) + ": pads " + v + "; only the same padding on every side");
      }
      return v.get(0).intValue();
    }

    void allOnes(String name) throws OnnxFormatException {
      AttributeProto a = byName.get(name);
      if (a != null && a.getIntsList().stream().anyMatch(x -> x != 1)) {
        throw new OnnxFormatException(where(node) + ": " + name + " " + a.getIntsList() + "; only 1");
      }
    }

    void autoPadNotSet() throws OnnxFormatException {
      AttributeProto a = byName.get("auto_pad");
      if (a != null && !a.getS().toStringUtf8().equals("NOTSET")) {
        throw new OnnxFormatException(where(node) + ": auto_pad " + a.getS().toStringUtf8() + "; only explicit pads");
      }
    }
  }
}
