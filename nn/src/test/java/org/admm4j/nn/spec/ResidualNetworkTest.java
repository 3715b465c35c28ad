package org.admm4j.nn.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.files.StoredModel;
import org.admm4j.nn.inference.Execution;
import org.admm4j.nn.inference.InferenceModel;
import org.admm4j.nn.optim.Sgd;
import org.admm4j.nn.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spec'd residual network with BatchNorm: trains, serves (sparse, dense, folded) and round-trips files. */
class ResidualNetworkTest {

  @TempDir
  Path dir;

  private static final int N = 96;

  private static float[] images(Random r, int n, int size) {
    float[] x = new float[n * size];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  /** Labels from the sign pattern of channel means, so a small network can learn them. */
  private static byte[] labels(float[] x, int n, int channels, int spatial) {
    byte[] y = new byte[n];
    for (int i = 0; i < n; i++) {
      double s0 = 0, s1 = 0;
      for (int j = 0; j < spatial; j++) {
        s0 += x[(i * channels) * spatial + j];
        s1 += x[(i * channels + 1) * spatial + j];
      }
      y[i] = (byte) ((s0 > 0 ? 1 : 0) + (s1 > 0 ? 2 : 0));
    }
    return y;
  }

  @Test
  void trainsPrunesServesAndRoundTrips() throws Exception {
    ModelSpec spec = SpecReader.parse(SpecReaderTest.EXAMPLE.replace("\"classes\": 10", "\"classes\": 4")
        .replace("\"out_features\": 10", "\"out_features\": 4").replace("[3, 32, 32]", "[3, 12, 12]"), "net");
    Model model = spec.build(5);
    Random r = new Random(11);
    float[] x = images(r, N, 3 * 144);
    byte[] y = labels(x, N, 3, 144);
    Trainer trainer = new Trainer(model, new Sgd(model.parameters(), 0.05f, 0.9f), 2, 16);
    int[] order = new int[N];
    for (int i = 0; i < N; i++) {
      order[i] = i;
    }
    double first = trainer.trainEpoch(x, y, N, order, null).meanLoss();
    double last = first;
    for (int e = 0; e < 5; e++) {
      last = trainer.trainEpoch(x, y, N, order, null).meanLoss();
    }
    assertTrue(last < first, "loss " + first + " -> " + last);
    float[] rm = model.parameter("block1.down_bn.running_mean").data();
    assertTrue(java.util.Arrays.stream(box(rm)).anyMatch(v -> v != 0f), "running statistics merged into the block");

    // prune every other conv weight so the sparse kernels run
    for (Parameter p : model.weights()) {
      float[] d = p.data();
      for (int i = 0; i < d.length; i += 2) {
        d[i] = 0f;
      }
    }
    model.setTraining(false);
    float[] expected = model.predictLogits(x, N);
    for (Execution e : Execution.values()) {
      InferenceModel m = InferenceModel.of(model, e);
      float[] got = new float[N * 4];
      m.logits(x, N, got);
      for (int i = 0; i < got.length; i++) {
        assertEquals(expected[i], got[i], 1e-3f * (1 + Math.abs(expected[i])), e + " logit " + i);
      }
      assertTrue(String.join("\n", m.plan()).contains("folded"), String.join("\n", m.plan()));
    }

    InputNormalization norm = new InputNormalization(new float[] {0.1f, 0.2f, 0.3f}, new float[] {1f, 2f, 3f});
    for (ModelFiles.Format f : new ModelFiles.Format[] {ModelFiles.Format.SAFETENSORS, ModelFiles.Format.COMPACT}) {
      Path file = dir.resolve("model." + f);
      ModelFiles.write(file, f, model, norm, Map.of("seed", "5"));
      StoredModel back = ModelFiles.read(file);
      assertEquals(spec, back.model().spec());
      assertEquals(norm, back.normalization());
      assertEquals("5", back.metadata().get("seed"));
      for (Parameter p : model.tensors()) {
        assertArrayEquals(p.data(), back.model().parameter(p.name()).data(), p.name());
      }
      InferenceModel served = InferenceModel.load(file);
      assertEquals(norm, served.normalization());
      assertArrayEquals(InferenceModel.of(model, Execution.AUTO).predictBatch(x, N), served.predictBatch(x, N));
    }
  }

  private static Float[] box(float[] a) {
    Float[] b = new Float[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i];
    }
    return b;
  }
}
