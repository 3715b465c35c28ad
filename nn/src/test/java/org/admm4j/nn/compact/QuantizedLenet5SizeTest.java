package org.admm4j.nn.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.files.StoredModel;
import org.admm4j.nn.io.ModelMetadata;
import org.admm4j.nn.io.ModelTensors;
import org.admm4j.nn.io.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bytes of a LeNet-5 pruned and 3-bit quantized like the lenet5-quant run ({@link QuantizedLenet5}) through
 * the plain writer and through {@link CompactExport}, exact and with 8-bit biases; printed for bench/RESULTS.md
 * ({@code scripts/compact_breakdown.py} on the files left in {@code admm4j.sizes.dir} when set).
 */
class QuantizedLenet5SizeTest {

  @TempDir
  Path dir;

  /**
   * The metadata a run gives its model.a4jc (RunOutputs: the safetensors metadata in its sorted order, less the
   * report entries and safetensors' format).
   */
  static Map<String, String> runMetadata(Model m) {
    return new TreeMap<>(ModelMetadata.of(m, new InputNormalization(new float[] {0.1307f}, new float[] {0.3081f}),
        Map.of()));
  }

  @Test
  void exportIsSmallerAndPredictsTheSame() throws Exception {
    Model m = QuantizedLenet5.build(42);
    Path out = System.getProperty("admm4j.sizes.dir") == null ? dir : Path.of(System.getProperty("admm4j.sizes.dir"));
    Path plain = out.resolve("lenet5-quant-plain.a4jc");
    Path exact = out.resolve("lenet5-quant-exact.a4jc");
    Path quantized = out.resolve("lenet5-quant-8bit-biases.a4jc");
    CompactModelWriter.write(plain, ModelTensors.of(m), runMetadata(m));
    CompactExport.write(exact, m.spec(), ModelTensors.of(m), runMetadata(m), CompactExport.Options.EXACT);
    CompactExport.Written q = CompactExport.write(quantized, m.spec(), ModelTensors.of(m), runMetadata(m),
        CompactExport.Options.quantizedRun());
    long a = Files.size(plain), b = Files.size(exact), c = Files.size(quantized);
    System.out.printf(Locale.ROOT, "lenet5-quant-like LeNet-5: plain writer %d B, exact export %d B, 8-bit biases %d B%n",
        a, b, c);
    assertTrue(b < a && c < b, a + " / " + b + " / " + c);

    // the exact file predicts what the model does, bit for bit; the zoo spec is rebuilt from the name
    StoredModel back = ModelFiles.read(exact);
    assertEquals(m.spec(), back.model().spec());
    float[] x = images(256);
    float[] before = m.predictLogits(x, 256), after = back.model().predictLogits(x, 256);
    for (int i = 0; i < before.length; i++) {
      assertEquals(Float.floatToRawIntBits(before[i]), Float.floatToRawIntBits(after[i]), "logit " + i);
    }
    // 8-bit biases: each within max|b| / 127 of the model's (after zeroing what nothing reads)
    StoredModel rounded = ModelFiles.read(quantized);
    for (String name : new String[] {"conv1.bias", "conv2.bias", "fc1.bias", "fc2.bias"}) {
      float[] exactBias = ModelFiles.read(exact).model().parameter(name).data();
      float[] r = rounded.model().parameter(name).data();
      float max = 0f;
      for (float v : exactBias) {
        max = Math.max(max, Math.abs(v));
      }
      for (int i = 0; i < r.length; i++) {
        assertTrue(Math.abs(r[i] - exactBias[i]) <= max / 127, name + "[" + i + "]: " + r[i] + " vs " + exactBias[i]);
      }
      assertEquals(q.tensors().get(name), new Tensor(new int[] {r.length}, r), name);
    }
    // half-precision levels: each non-zero weight within 2^-11 of its size, the support unchanged
    for (String name : new String[] {"conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"}) {
      float[] exactWeight = ModelFiles.read(exact).model().parameter(name).data();
      float[] r = rounded.model().parameter(name).data();
      for (int i = 0; i < r.length; i++) {
        assertEquals(exactWeight[i] == 0, r[i] == 0, name + "[" + i + "]");
        assertTrue(Math.abs(r[i] - exactWeight[i]) <= Math.abs(exactWeight[i]) * 0x1p-11f,
            name + "[" + i + "]: " + r[i] + " vs " + exactWeight[i]);
      }
      // what the export rounded, the file holds bit for bit (half levels are a lossless encoding of halves)
      assertEquals(q.tensors().get(name), new Tensor(q.tensors().get(name).shape(), r), name);
    }
  }

  private static float[] images(int n) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    float[] x = new float[n * 784];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) ((r.nextDouble() - 0.1307) / 0.3081);
    }
    return x;
  }
}
