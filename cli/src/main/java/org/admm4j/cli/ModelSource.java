package org.admm4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.files.StoredModel;
import org.admm4j.nn.spec.ModelSpec;
import org.admm4j.nn.spec.SpecException;
import org.admm4j.nn.spec.SpecReader;
import org.admm4j.onnx.OnnxImporter;

/**
 * What {@code --model} names: a zoo network ({@code lenet5}, ...), an architecture spec file
 * ({@code net.json}), or a model file whose metadata carries the architecture ({@code .safetensors},
 * {@code .a4jc}), or an ONNX file ({@code .onnx}, read by {@link OnnxImporter}).
 */
final class ModelSource {

  private ModelSource() {}

  /**
   * The architecture {@code ref} names.
   *
   * @throws SpecException when a spec file does not fit together (its message names layer and key)
   * @throws IOException when a file cannot be read or carries no architecture
   * @throws IllegalArgumentException for a name that is neither a zoo model nor a file
   */
  static ModelSpec spec(String ref) throws IOException {
    if (Models.names().contains(ref)) {
      return Models.spec(ref);
    }
    Path file = Path.of(ref);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("model '" + ref + "' is neither a built-in model ("
          + String.join(", ", Models.names()) + ") nor a file (an architecture spec .json or a model file)");
    }
    if (isOnnx(file)) {
      return OnnxImporter.read(file).spec();
    }
    if (ref.endsWith(".json")) {
      ModelSpec spec = SpecReader.read(file);
      spec.build(0); // shape errors now, before any data is loaded
      return spec;
    }
    // the file's own reader: it tells the formats apart and checks the tensors fit the architecture
    return ModelFiles.read(file).model().spec();
  }

  /** Whether {@code file} is read as ONNX (by its extension: ONNX files carry no magic bytes). */
  static boolean isOnnx(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
  }

  /**
   * Reads any model file through {@link ModelFiles}: safetensors and compact, and ONNX through the onnx
   * module's reader ({@link StoredModel#format} tells them apart).
   */
  static StoredModel load(Path file) throws IOException {
    return ModelFiles.read(file);
  }

  /** A freshly initialised network of {@code ref} (the {@code ModelFactory} of the commands). */
  static Model create(String ref, long seed) {
    try {
      return spec(ref).build(seed);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
