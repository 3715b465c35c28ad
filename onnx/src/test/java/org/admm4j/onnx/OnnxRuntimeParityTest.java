package org.admm4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;
import org.admm4j.nn.inference.Execution;
import org.admm4j.nn.inference.InferenceModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime, the runtime a JVM team would pick instead, runs admm4j's exported files and gives admm4j's
 * logits within 1e-4. Skipped (an assumption, not a failure) where its native library cannot load.
 */
class OnnxRuntimeParityTest {

  private static final float TOLERANCE = 1e-4f;
  private static OrtEnvironment env;

  @TempDir
  Path dir;

  @BeforeAll
  static void loadOnnxRuntime() {
    try {
      env = OrtEnvironment.getEnvironment();
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      Assumptions.assumeTrue(false, "ONNX Runtime's native library does not load here: " + e);
    }
  }

  @Test
  void zooLenet5Pruned() throws Exception {
    check(TestModels.zoo("lenet5", 11), 64);
  }

  @Test
  void residualSpecWithBatchNorm() throws Exception {
    check(TestModels.residual(12), 16);
  }

  @Test
  void convnetWithBatchNorm1dAndDropout() throws Exception {
    check(TestModels.zoo("convnet", 13), 8);
  }

  /** A convnet whose pruned filters were removed (odd widths 13/15/27/29, fc1 100): the shrunk export runs. */
  @Test
  void convnetShrunkByFilterRemoval() throws Exception {
    Model m = TestModels.zoo("convnet", 14);
    Map<String, Integer> kept = new java.util.LinkedHashMap<>();
    kept.put("conv1", 13);
    kept.put("conv2", 15);
    kept.put("conv3", 27);
    kept.put("conv4", 29);
    kept.put("fc1", 100);
    Map<String, boolean[]> masks = new java.util.LinkedHashMap<>();
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    for (Map.Entry<String, Integer> e : kept.entrySet()) {
      org.admm4j.nn.Parameter w = m.parameter(e.getKey() + ".weight");
      int out = w.shape()[0];
      int per = w.size() / out;
      boolean[] keep = new boolean[out];
      for (int k = 0; k < e.getValue(); ) {
        int o = r.nextInt(out);
        k += keep[o] ? 0 : 1;
        keep[o] = true;
      }
      for (int o = 0; o < out; o++) {
        if (!keep[o]) {
          java.util.Arrays.fill(w.data(), o * per, (o + 1) * per, 0f);
          for (org.admm4j.nn.Parameter c : org.admm4j.nn.surgery.ChannelTensors.of(m, e.getKey())) {
            c.data()[o] = 0f;
          }
        }
      }
      masks.put(e.getKey(), keep);
    }
    Model small = org.admm4j.nn.surgery.FilterRemoval.removeFilters(m, masks);
    assertEquals(29 * 49, small.parameter("fc1.weight").shape()[1]);
    float[] x = TestModels.inputs(m, 8, 5);
    assertTrue(TorchFixtures.maxDiff(m.predictLogits(x, 8), small.predictLogits(x, 8)) <= TOLERANCE);
    check(small, 8);
  }

  @Test
  void modelsImportedFromTorchFiles() throws Exception {
    for (String name : new String[] {"resnet_bn", "lenet5"}) {
      Model imported = OnnxImporter.read(TorchFixtures.onnx(name)).model();
      check(imported, 8);
      // and ONNX Runtime on torch's own file agrees with torch (the fixture is what it claims to be).
      TorchFixtures.Logits t = TorchFixtures.logits(name);
      float[] ort = run(Files.readAllBytes(TorchFixtures.onnx(name)), t.input(), t.count(), imported.inputShape());
      float[] torchLogits = t.logits();
      if (name.equals("lenet5")) {
        // torch's file ends in LogSoftmax; the fixture holds the logits before it.
        torchLogits = logSoftmax(torchLogits, t.count(), 10);
      }
      float diff = TorchFixtures.maxDiff(torchLogits, ort);
      assertTrue(diff <= TOLERANCE, name + ": max |ORT − torch| = " + diff);
    }
  }

  /**
   * Exports {@code model}, runs the file in ONNX Runtime and in admm4j (dense and sparse inference), on
   * {@code count} random inputs and on {@code count} real images.
   */
  private void check(Model model, int count) throws Exception {
    Path f = dir.resolve(model.name() + ".onnx");
    OnnxExporter.write(f, model, null);
    byte[] onnx = Files.readAllBytes(f);
    compare(model, onnx, TestModels.inputs(model, count, 77), count, "random inputs");
    compare(model, onnx, TestModels.realImages(model, count), count, "Fashion-MNIST test images");
  }

  private void compare(Model model, byte[] onnx, float[] x, int count, String what) throws Exception {
    float[] ort = run(onnx, x, count, model.inputShape());
    float[] ours = model.predictLogits(x, count);
    float diff = TorchFixtures.maxDiff(ours, ort);
    assertTrue(diff <= TOLERANCE, model.name() + " on " + what + ": max |ORT − admm4j| = " + diff);
    // The serving path: InferenceModel with an identity normalisation takes the same normalised inputs.
    InferenceModel served = InferenceModel.of(model, identity(model.inputShape()[0]), Execution.AUTO);
    float[] s = new float[count * model.classes()];
    served.logits(x, count, s);
    diff = TorchFixtures.maxDiff(s, ort);
    assertTrue(diff <= TOLERANCE, model.name() + " on " + what + ": max |ORT − InferenceModel| = " + diff);
    assertEquals(argmax(ort, count, model.classes()), argmax(s, count, model.classes()),
        model.name() + " on " + what + ": classes");
  }

  private static java.util.List<Integer> argmax(float[] logits, int count, int k) {
    java.util.List<Integer> classes = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      classes.add(Model.argmax(logits, i * k, k));
    }
    return classes;
  }

  private static InputNormalization identity(int channels) {
    float[] mean = new float[channels];
    float[] std = new float[channels];
    java.util.Arrays.fill(std, 1f);
    return new InputNormalization(mean, std);
  }

  private static float[] run(byte[] onnx, float[] x, int count, int[] perSample) throws OrtException {
    long[] shape = new long[perSample.length + 1];
    shape[0] = count;
    for (int i = 0; i < perSample.length; i++) {
      shape[i + 1] = perSample[i];
    }
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      try (OrtSession s = env.createSession(onnx, o);
          OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
          OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), in))) {
        float[][] y = (float[][]) r.get(0).getValue();
        float[] flat = new float[y.length * y[0].length];
        for (int i = 0; i < y.length; i++) {
          System.arraycopy(y[i], 0, flat, i * y[0].length, y[0].length);
        }
        assertEquals(count, y.length);
        return flat;
      }
    }
  }

  private static float[] logSoftmax(float[] z, int rows, int cols) {
    float[] out = new float[z.length];
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < cols; c++) {
        max = Math.max(max, z[r * cols + c]);
      }
      double sum = 0;
      for (int c = 0; c < cols; c++) {
        sum += Math.exp(z[r * cols + c] - max);
      }
      for (int c = 0; c < cols; c++) {
        out[r * cols + c] = (float) (z[r * cols + c] - max - Math.log(sum));
      }
    }
    return out;
  }
}
