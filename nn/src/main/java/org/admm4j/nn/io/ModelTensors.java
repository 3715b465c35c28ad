package org.admm4j.nn.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;

/** A model's tensors to and from a name → tensor map, checked as a whole before anything changes. */
public final class ModelTensors {

  /** PyTorch's BatchNorm counter: files written by torch carry it, models here have no use for it. */
  private static final String BATCH_COUNTER = ".num_batches_tracked";

  private ModelTensors() {}

  /** Every tensor of {@code model} (parameters, then buffers, per layer), wrapping its arrays. */
  public static LinkedHashMap<String, Tensor> of(Model model) {
    LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
    for (Parameter p : model.tensors()) {
      tensors.put(p.name(), new Tensor(p.shape(), p.data()));
    }
    return tensors;
  }

  /**
   * Copies {@code tensors} into {@code model}: every tensor of the model must be there with its shape
   * and no other may be (PyTorch's {@code num_batches_tracked} counters excepted); otherwise nothing
   * changes and the message lists each problem.
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
      if (!known && !name.endsWith(BATCH_COUNTER)) {
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
}
