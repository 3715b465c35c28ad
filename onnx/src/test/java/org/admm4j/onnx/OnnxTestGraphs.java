package org.admm4j.onnx;

import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/** Small hand-made ONNX graphs for the tests. */
final class OnnxTestGraphs {

  private OnnxTestGraphs() {}

  static ValueInfoProto input(String name, int... perSample) {
    return value(name, perSample);
  }

  static ValueInfoProto output(String name, int... perSample) {
    return value(name, perSample);
  }

  private static ValueInfoProto value(String name, int... perSample) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
    for (int d : perSample) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(OnnxTensors.FLOAT).setShape(s))).build();
  }

  static ModelProto model(GraphProto.Builder g) {
    return ModelProto.newBuilder().setIrVersion(8)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
  }
}
