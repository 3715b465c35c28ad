package org.admm4j.nn.files;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A reader for a model format that lives in another module (ONNX in {@code admm4j-onnx}), found with
 * {@link java.util.ServiceLoader} so that {@link ModelFiles#read} and everything built on it
 * ({@code InferenceModel.load}) read that format whenever the module is on the class path, while nn
 * depends on none of them.
 */
public interface ModelFileReader {

  /** The format this reader reads. */
  ModelFiles.Format format();

  /** Whether {@code file} is in this reader's format (by its name: formats without magic bytes). */
  boolean reads(Path file);

  /**
   * Reads and rebuilds the network.
   *
   * @throws IOException naming the file and the problem when it cannot be read or is invalid
   */
  StoredModel read(Path file) throws IOException;
}
