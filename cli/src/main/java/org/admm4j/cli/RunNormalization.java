package org.admm4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.admm4j.admm.pipeline.RunException;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.io.AtomicFile;

/**
 * The input normalisation a prune run was started with when it is not the dataset's usual one
 * ({@code --normalize}, or an ONNX file's), kept in the run folder so that {@code --resume} normalises
 * the same way.
 */
final class RunNormalization {

  static final String FILE = "normalization.json";

  private RunNormalization() {}

  static void write(Path runFolder, InputNormalization normalization) throws IOException {
    byte[] bytes = normalization.toJson().getBytes(StandardCharsets.UTF_8);
    AtomicFile.write(runFolder.resolve(FILE), bytes);
  }

  /** The run's recorded normalisation, or null when it used the dataset's. */
  static InputNormalization read(Path runFolder) throws IOException, RunException {
    Path f = runFolder.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    try {
      return InputNormalization.parse(Files.readString(f, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new RunException(f + ": " + e.getMessage());
    }
  }
}
