package org.admm4j.nn.compact;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.admm4j.nn.Model;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.ModelTensors;
import org.admm4j.nn.io.Tensor;

/** Whole models to and from compact files, with the same names and checks as {@code SafeTensors}. */
public final class CompactModels {

  private CompactModels() {}

  /**
   * Writes every tensor of {@code model} (parameters and buffers) atomically through {@link CompactExport} with
   * exact values, with {@code metadata} plus the model's name and spec ({@link ModelMetadata#of}) unless given;
   * units no later weight reads are stored as zeros.
   */
  public static void saveModel(Model model, Path file, Map<String, String> metadata) throws IOException {
    CompactExport.write(file, model.spec(), ModelTensors.of(model), ModelMetadata.of(model, metadata),
        CompactExport.Options.EXACT);
  }

  /** Copies {@code tensors} into {@code model} (see {@link ModelTensors#copyInto}). */
  public static void copyInto(Model model, Map<String, Tensor> tensors, String source) throws IOException {
    ModelTensors.copyInto(model, tensors, source);
  }

  /** Reads {@code file} into {@code model} (see {@link ModelTensors#copyInto}). */
  public static void loadModel(Model model, Path file) throws IOException {
    copyInto(model, CompactModelReader.read(file).tensors(), file.toString());
  }
}
