package org.admm4j.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.admm4j.nn.files.ModelFileReader;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.files.StoredModel;

/**
 * Lets {@link ModelFiles#read} (and so {@code InferenceModel.load}) read {@code .onnx} files through
 * {@link OnnxImporter} whenever this module is on the class path (registered in
 * {@code META-INF/services}).
 */
public final class OnnxModelFileReader implements ModelFileReader {

  @Override
  public ModelFiles.Format format() {
    return ModelFiles.Format.ONNX;
  }

  /** By the name: protobuf files carry no magic bytes. */
  @Override
  public boolean reads(Path file) {
    Path name = file.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
  }

  @Override
  public StoredModel read(Path file) throws IOException {
    OnnxModel m = OnnxImporter.read(file);
    return new StoredModel(file, m.model(), m.metadata(), m.normalization(), ModelFiles.Format.ONNX);
  }
}
