package org.admm4j.nn.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.compact.CompactModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pruned, quantized LeNet-5 runs from its version 2 compact file alone, with the in-memory model's logits. */
class QuantizedFileInferenceTest {

  @TempDir
  Path dir;

  @Test
  void runsFromTheCodedFileWithTheSameLogits() throws Exception {
    Model m = Models.create("lenet5", 5);
    SplittableRandom r = new SplittableRandom(5);
    for (Parameter p : m.parameters()) {
      if (!p.isWeight()) {
        continue;
      }
      // 2 % kept, each non-zero one of 6 levels (a 3-bit codebook)
      float[] levels = {-0.31f, -0.17f, -0.05f, 0.06f, 0.19f, 0.33f};
      float[] w = p.data();
      for (int i = 0; i < w.length; i++) {
        w[i] = r.nextInt(50) == 0 ? levels[r.nextInt(levels.length)] : 0f;
      }
    }
    Path file = dir.resolve("model.a4jc");
    CompactModels.saveModel(m, file, Map.of());
    assertEquals(2, Files.readAllBytes(file)[4], "version 2");
    InferenceModel fromFile = InferenceModel.load(file);
    InferenceModel inMemory = InferenceModel.of(m, Execution.AUTO);
    int n = 17;
    float[] images = new float[n * fromFile.inputSize()];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) r.nextGaussian();
    }
    float[] a = new float[n * fromFile.classes()];
    float[] b = new float[n * fromFile.classes()];
    fromFile.logits(images, n, a);
    inMemory.logits(images, n, b);
    assertArrayEquals(b, a);
    assertArrayEquals(inMemory.predictBatch(images, n), fromFile.predictBatch(images, n));
    // weights 2 % dense at 3 bits: the file is far below v1's 5 bytes per weight
    long nonzeros = 0;
    for (Parameter p : m.parameters()) {
      nonzeros += p.isWeight() ? p.countNonZero() : 0;
    }
    assertTrue(Files.size(file) < 5 * nonzeros, Files.size(file) + " bytes for " + nonzeros + " non-zeros");
  }
}
