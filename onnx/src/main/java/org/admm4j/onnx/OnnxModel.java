package org.admm4j.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;
import org.admm4j.nn.io.ModelTensors;
import org.admm4j.nn.io.Tensor;
import org.admm4j.nn.spec.ModelSpec;

/**
 * An ONNX graph as admm4j sees it: the architecture ({@link ModelSpec}), its tensors under the names the
 * spec's model uses ({@code block1.conv1.weight}), the input normalisation the file records (null when it
 * records none, as every file from {@code torch.onnx.export}) and the file's {@code metadata_props}.
 */
public record OnnxModel(Path file, ModelSpec spec, Map<String, Tensor> tensors, InputNormalization normalization,
    Map<String, String> metadata) {

  public OnnxModel {
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    metadata = Map.copyOf(metadata);
  }

  /** The network with this file's weights, ready to evaluate, prune or retrain. */
  public Model model() throws IOException {
    Model model = spec.build(0);
    ModelTensors.copyInto(model, tensors, String.valueOf(file));
    return model;
  }
}
