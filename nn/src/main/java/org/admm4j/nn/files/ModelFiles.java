package org.admm4j.nn.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.compact.CompactModel;
import org.admm4j.nn.compact.CompactModelReader;
import org.admm4j.nn.compact.CompactModels;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.ModelTensors;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.SafeTensorsFile;
import org.admm4j.nn.io.Tensor;
import org.admm4j.nn.spec.ModelSpec;
import org.admm4j.nn.spec.SpecException;
import org.admm4j.nn.spec.SpecReader;

/**
 * Model files in and out, whatever the network: {@code .safetensors} (PyTorch's format) and the compact
 * pruned format, told apart by their first bytes, and {@code .onnx} read (not written) when the onnx
 * module provides its {@link ModelFileReader}. Every file written carries the architecture spec and
 * the input normalisation in its metadata, so {@link #read} rebuilds any model from the file alone; files
 * that name a zoo model instead of carrying a spec are read too.
 */
public final class ModelFiles {

  /** The file formats: admm4j writes the first two; ONNX is read through a {@link ModelFileReader}. */
  public enum Format {
    SAFETENSORS,
    COMPACT,
    ONNX
  }

  /** Readers of the formats other modules provide, looked up once. */
  private static final List<ModelFileReader> PROVIDED = providedReaders();

  private static List<ModelFileReader> providedReaders() {
    List<ModelFileReader> readers = new ArrayList<>();
    ServiceLoader.load(ModelFileReader.class, ModelFiles.class.getClassLoader()).forEach(readers::add);
    return List.copyOf(readers);
  }

  private ModelFiles() {}

  /** The format of {@code file}, from its first bytes. */
  public static Format formatOf(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      return Arrays.equals(head, new byte[] {'A', '4', 'J', 'C'}) ? Format.COMPACT : Format.SAFETENSORS;
    }
  }

  /**
   * Reads a model file and rebuilds its network.
   *
   * @throws IOException when the file cannot be read, is invalid, carries no usable architecture, or its
   *     tensors do not fit the architecture (every problem listed)
   */
  public static StoredModel read(Path file) throws IOException {
    for (ModelFileReader reader : PROVIDED) {
      if (reader.reads(file)) {
        return reader.read(file);
      }
    }
    if (file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
      throw new IOException(file + ": an ONNX file; reading ONNX needs the admm4j-onnx module on the class path");
    }
    Format format = formatOf(file);
    Map<String, String> metadata;
    Map<String, Tensor> tensors;
    if (format == Format.COMPACT) {
      CompactModel m = CompactModelReader.read(file);
      metadata = m.metadata();
      tensors = m.tensors();
    } else {
      SafeTensorsFile f = SafeTensors.read(file);
      metadata = f.metadata();
      tensors = f.tensors();
    }
    long floats = 0;
    for (Tensor t : tensors.values()) {
      floats += t.data().length;
    }
    Model model;
    try {
      // at most the weights the file stores: a spec declaring huge layers is refused before it allocates
      model = architecture(file, metadata).build(0, floats);
    } catch (SpecException e) {
      // A spec can parse and still not assemble (a layer's shape against the next one's, the classes).
      throw new IOException(file + ": metadata " + ModelMetadata.SPEC + ": " + e.getMessage(), e);
    }
    ModelTensors.copyInto(model, tensors, file.toString());
    return new StoredModel(file, model, metadata, normalization(file, metadata), format);
  }

  /**
   * The architecture a file's metadata describes: its {@link ModelMetadata#SPEC}, else the zoo model it
   * names.
   */
  public static ModelSpec architecture(Path file, Map<String, String> metadata) throws IOException {
    String spec = metadata.get(ModelMetadata.SPEC);
    if (spec != null) {
      try {
        return SpecReader.parse(spec, file + ": metadata " + ModelMetadata.SPEC);
      } catch (SpecException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    String name = metadata.get(ModelMetadata.MODEL);
    if (name != null && Models.names().contains(name)) {
      return Models.spec(name);
    }
    throw new IOException(file + ": no architecture: the metadata has no '" + ModelMetadata.SPEC + "' entry"
        + (name == null ? "" : " and its 'model' entry '" + name + "' is not one of " + Models.names()));
  }

  private static InputNormalization normalization(Path file, Map<String, String> metadata) throws IOException {
    String json = metadata.get(ModelMetadata.NORMALIZATION);
    if (json == null) {
      return null;
    }
    try {
      return InputNormalization.parse(json);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": metadata " + ModelMetadata.NORMALIZATION + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code model} atomically in {@code format}, with its spec, {@code normalization} (when not
   * null) and {@code extra} metadata.
   *
   * @throws IllegalArgumentException for {@link Format#ONNX} (the onnx module's exporter writes ONNX)
   */
  public static void write(Path file, Format format, Model model, InputNormalization normalization,
      Map<String, String> extra) throws IOException {
    if (format == Format.ONNX) {
      throw new IllegalArgumentException(file + ": ONNX files are written by org.admm4j.onnx.OnnxExporter");
    }
    Map<String, String> meta = ModelMetadata.of(model, normalization, extra);
    if (format == Format.COMPACT) {
      CompactModels.saveModel(model, file, meta);
    } else {
      SafeTensors.saveModel(model, file, meta);
    }
  }
}
