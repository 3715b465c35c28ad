package org.admm4j.nn.compact;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.io.Tensor;

/** Whole models to and from compact files, with the same names and checks as {@code SafeTensors}. */
public final class CompactModels {

  private CompactModels() {}

  /**
   * Writes every tensor of {@code model} (parameters and buffers) atomically, with {@code metadata} plus
   * {@code model=<name>} unless given.
   */
  public static void saveModel(Model model, Path file, Map<String, String> metadata) throws IOException {
    LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
    for (Parameter p : model.tensors()) {
      tensors.put(p.name(), new Tensor(p.shape(), p.data()));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("model", model.name());
    if (metadata != null) {
      meta.putAll(metadata);
    }
    CompactModelWriter.write(file, tensors, meta);
  }

  /**
   * Copies {@code tensors} into {@code model}: every tensor of the model must be there with its shape
   * and no other may be; otherwise nothing changes and the message lists each problem.
   *
   * @param source names the origin in messages (a file)
   */
  public static void copyInto(Model model, Map<String, Tensor> tensors, String source) throws IOException {
    List<String> problems = new ArrayList<>();
    for (Parameter p : model.tensors()) {
      Tensor t = tensors.get(p.name());
      if (t == null) {
        problems.add("missing " + p.name() + " " + Arrays.toString(p.shape()));
      } else if (!Arrays.equals(t.shape(), p.shape())) {
        problems.add(p.name() + " has shape " + Arrays.toString(t.shape()) + " in the file, the model expects "
            + Arrays.toString(p.shape()));
      }
    }
    for (String name : tensors.keySet()) {
      boolean known = model.tensors().stream().anyMatch(p -> p.name().equals(name));
      if (!known) {
        problems.add("unexpected " + name + " " + Arrays.toString(tensors.get(name).shape()));
      }
    }
    if (!problems.isEmpty()) {
      throw new IOException(source + " does not fit model " + model.name() + ": " + String.join("; ", problems));
    }
    for (Parameter p : model.tensors()) {
      float[] src = tensors.get(p.name()).data();
      System.arraycopy(src, 0, p.data(), 0, src.length);
    }
  }

  /** Reads {@code file} into {@code model} (see {@link #copyInto}). */
  public static void loadModel(Model model, Path file) throws IOException {
    copyInto(model, CompactModelReader.read(file).tensors(), file.toString());
  }
}
