package org.admm4j.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.io.SafeTensors;
import org.admm4j.nn.io.Tensor;

/**
 * Writes {@code DIR/model.safetensors} (LeNet-5, seed 1) and {@code DIR/sample.safetensors} (4 random
 * inputs and the logits this implementation gives them) for {@code nn/scripts/check_lenet5_safetensors.py},
 * which recomputes the logits with PyTorch's semantics in NumPy: a check of the checkpoint layout and
 * the forward pass against an independent implementation, run next to the peers.
 *
 * <p>usage: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar
 * org.admm4j.bench.ExportLenetSample DIR}
 */
public final class ExportLenetSample {

  private ExportLenetSample() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ExportLenetSample DIR");
      System.exit(2);
    }
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
