package org.admm4j.nn.io;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The content of a safetensors file: tensors in file order (by data offset) and the metadata map. */
public final class SafeTensorsFile {

  private final Path file;
  private final Map<String, Tensor> tensors;
  private final Map<String, String> metadata;

  SafeTensorsFile(Path file, LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {
    this.file = file;
    this.tensors = Collections.unmodifiableMap(tensors);
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  /** Where it was read from. */
  public Path file() {
    return file;
  }

  /** Tensors by name, in the order of their data in the file. */
  public Map<String, Tensor> tensors() {
    return tensors;
  }

  /** The {@code __metadata__} string map (empty when absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * The tensor {@code name}.
   *
   * @throws IllegalArgumentException naming the file when there is none
   */
  public Tensor tensor(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException(file + " has no tensor named '" + name + "'");
    }
    return t;
  }
}
