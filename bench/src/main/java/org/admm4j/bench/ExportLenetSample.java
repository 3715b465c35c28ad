package org.admm4j.nn.io;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;

/**
 * Experiment, not a test: writes {@code DIR/model.safetensors} (LeNet-5, seed 1) and
 * {@code DIR/sample.safetensors} (4 random inputs and the logits this implementation gives them) for
 * {@code nn/scripts/check_lenet5_safetensors.py}, which recomputes the logits with PyTorch's semantics
 * in NumPy. Argument: DIR.
 */
public final class ExportLenetSample {

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Model m = Models.create("lenet5", 1);
    SafeTensors.saveModel(m, dir.resolve("model.safetensors"), Map.of("seed", "1"));
    Random r = new Random(2);
    int count = 4;
    float[] x = new float[count * 784];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    LinkedHashMap<String, Tensor> sample = new LinkedHashMap<>();
    sample.put("input", new Tensor(new int[] {count, 1, 28, 28}, x));
    sample.put("logits", new Tensor(new int[] {count, 10}, m.predictLogits(x, count)));
    SafeTensors.write(dir.resolve("sample.safetensors"), sample, Map.of());
  }
}
