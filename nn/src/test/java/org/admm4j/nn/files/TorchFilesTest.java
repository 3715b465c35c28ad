package org.admm4j.nn.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.Model;
import org.admm4j.nn.inference.Execution;
import org.admm4j.nn.inference.InferenceModel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files PyTorch wrote (see {@code src/test/resources/torch/README.md}): a residual network, and one that
 * uses every layer type and option (padded max-pool, BatchNorm eps/momentum, pair-valued kernels,
 * BatchNorm1d, dropout). Rebuilt from their metadata alone, they give PyTorch's logits on its images,
 * on every execution path, and survive a round trip through admm4j's own writers.
 */
class TorchFilesTest {

  private static final int N = 32, C = 3, HW = 32 * 32, CLASSES = 10;

  @TempDir
  Path dir;

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = TorchFilesTest.class.getResourceAsStream("/torch/" + name)) {
      assertNotNull(in, name);
      return in.readAllBytes();
    }
  }

  private Path file(String name) throws IOException {
    Path f = dir.resolve(name);
    try (InputStream in = TorchFilesTest.class.getResourceAsStream("/torch/" + name)) {
      Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
    }
    return f;
  }

  private static float[] images(InputNormalization norm) throws IOException {
    byte[] raw = resource("images-32x3x32x32.u8");
    float[] x = new float[raw.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (raw[i] & 0xff) / 255f;
    }
    norm.applyInPlace(x, N, C, HW);
    return x;
  }

  private static float[] torchLogits(String model) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(resource(model + "-logits-32x10.f32")).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[N * CLASSES];
    b.asFloatBuffer().get(v);
    return v;
  }

  @ParameterizedTest
  @ValueSource(strings = {"resnet-small", "all-layers"})
  void givesPyTorchsLogits(String name) throws IOException {
    Path f = file(name + ".safetensors");
    StoredModel stored = ModelFiles.read(f);
    assertEquals(name, stored.model().name());
    float[] x = images(stored.normalization());
    float[] expected = torchLogits(name);
    Model model = stored.model();
    model.setTraining(false);
    assertClose(expected, model.predictLogits(x, N), name + " training stack");
    for (Execution e : Execution.values()) {
      float[] got = new float[N * CLASSES];
      InferenceModel.load(f, e).logits(x, N, got);
      assertClose(expected, got, name + " " + e);
    }
    for (ModelFiles.Format format : new ModelFiles.Format[] {ModelFiles.Format.SAFETENSORS, ModelFiles.Format.COMPACT}) {
      Path again = dir.resolve(name + "-again." + format);
      ModelFiles.write(again, format, model, stored.normalization(), null);
      StoredModel back = ModelFiles.read(again);
      assertEquals(model.spec(), back.model().spec());
      assertEquals(stored.normalization(), back.normalization());
      assertArrayEquals(InferenceModel.load(f).predictBatch(x, N), InferenceModel.load(again).predictBatch(x, N));
    }
  }

  private static void assertClose(float[] expected, float[] got, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], got[i], 1e-4f + 1e-4f * Math.abs(expected[i]), what + " logit " + i);
    }
  }
}
