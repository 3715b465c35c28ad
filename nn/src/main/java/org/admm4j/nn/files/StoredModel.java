package org.admm4j.nn.files;

import java.nio.file.Path;
import java.util.Map;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;

/**
 * A model rebuilt from a file alone: the network (architecture from the file's spec, its tensors
 * copied in), the file's metadata, and the input normalisation it records (null when the file has none,
 * as files written before it was recorded).
 */
public record StoredModel(Path file, Model model, Map<String, String> metadata, InputNormalization normalization,
    ModelFiles.Format format) {

  public StoredModel {
    // in the file's order, so a file written from it lists its entries as the original did
    metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
  }
}
