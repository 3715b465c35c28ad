package org.admm4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.admm4j.nn.layers.GradientCheck;
import org.admm4j.nn.layers.SoftmaxCrossEntropy;
import org.junit.jupiter.api.Test;

class ModelsTest {

  /**
   * The zoo's initial weights (SHA-256 over names and float bits, per model and seed) as the hand-built
   * networks drew them before the zoo became specs: the presets' runs depend on these bits.
   */
  @Test
  void zooSpecsDrawTheSameWeightsAsBefore() throws Exception {
    String[][] expected = {
      {"lenet5", "1", "152020571cbea7d235382bde2fe250f84681d3b5cf2c93e6e84857be8da1c5ff"},
      {"lenet5", "42", "2f60469a6ad48d03fcd91350b9fc6e679263a43667327eef7d5ef845971ccdaa"},
      {"lenet-300-100", "1", "f606e30c7776cce9b70b704213b61a60ddd1a26cd0963f74d871adae829a548b"},
      {"convnet", "42", "84920fb91608a50a4d35204acd59824df30d525825a786ceccd098b87e23fa38"},
    };
    for (String[] e : expected) {
      Model m = Models.create(e[0], Long.parseLong(e[1]));
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      for (Parameter p : m.tensors()) {
        md.update(p.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * p.size()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float f : p.data()) {
          b.putInt(Float.floatToRawIntBits(f));
        }
        md.update(b.array());
      }
      assertEquals(e[2], java.util.HexFormat.of().formatHex(md.digest()), e[0] + " seed " + e[1]);
    }
  }

  @Test
  void lenet5HasCaffesLayersWithPyTorchNamesAndShapes() {
    Model m = Models.create("lenet5", 1);
    assertEquals(431_080, m.parameterCount());
    List<String> names = m.parameters().stream().map(Parameter::name).toList();
    assertEquals(List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias",
        "fc2.weight", "fc2.bias"), names);
    assertArrayEquals(new int[] {20, 1, 5, 5}, m.parameter("conv1.weight").shape());
    assertArrayEquals(new int[] {50, 20, 5, 5}, m.parameter("conv2.weight").shape());
    assertArrayEquals(new int[] {500, 800}, m.parameter("fc1.weight").shape());
    assertArrayEquals(new int[] {10, 500}, m.parameter("fc2.weight").shape());
    assertArrayEquals(new int[] {10}, m.parameter("fc2.bias").shape());
    assertEquals(LayerKind.CONV, m.parameter("conv2.weight").kind());
    assertEquals(LayerKind.LINEAR, m.parameter("fc1.weight").kind());
    assertTrue(m.parameter("conv1.weight").isWeight());
    assertFalse(m.parameter("conv1.bias").isWeight());
    assertEquals(24 * 24, m.parameter("conv1.weight").macsPerWeight());
    assertEquals(8 * 8, m.parameter("conv2.weight").macsPerWeight());
    assertEquals(1, m.parameter("fc1.weight").macsPerWeight());
    assertEquals(10, m.classes());
    assertEquals(1, m.inputChannels());
    assertEquals(28, m.inputHeight());
    assertEquals(28, m.inputWidth());
  }

  @Test
  void initialisationIsPyTorchsBoundAndSeeded() {
    Model a = Models.create("lenet5", 42), b = Models.create("lenet5", 42), c = Models.create("lenet5", 43);
    for (Parameter p : a.parameters()) {
      assertArrayEquals(p.data(), b.parameter(p.name()).data(), p.name());
    }
    assertNotEquals(a.parameter("fc1.weight").data()[0], c.parameter("fc1.weight").data()[0]);
    float bound = (float) (1 / Math.sqrt(800));
    float max = 0;
    for (float v : a.parameter("fc1.weight").data()) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max <= bound && max > 0.95f * bound, "max |w| " + max + " vs bound " + bound);
  }

  @Test
  void otherModels() {
    assertEquals(266_610, Models.create("lenet-300-100", 1).parameterCount());
    Model conv = Models.create("convnet", 1);
    assertEquals(871_530, conv.parameterCount());
    assertEquals(10, conv.buffers().size());
    assertArrayEquals(new int[] {256, 3136}, conv.parameter("fc1.weight").shape());
    float[] logits = conv.predictLogits(new float[3 * 784], 3);
    assertEquals(30, logits.length);
    for (float v : logits) {
      assertTrue(Float.isFinite(v));
    }
    assertEquals(List.of("lenet5", "lenet-300-100", "convnet"), Models.names());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.create("vgg", 1));
    assertTrue(e.getMessage().contains("lenet5"));
    assertThrows(IllegalArgumentException.class, () -> conv.parameter("nope"));
  }

  @Test
  void predictMatchesWorkspaceForwardForAnyCount() {
    Model m = Models.create("lenet5", 3);
    Random r = new Random(1);
    int count = 260;
    float[] images = new float[count * 784];
    for (int i = 0; i < images.length; i++) {
      images[i] = r.nextFloat();
    }
    float[] logits = m.predictLogits(images, count);
    Workspace ws = m.newWorkspace(1);
    for (int i : new int[] {0, 17, 259}) {
      System.arraycopy(images, i * 784, ws.input(), 0, 784);
      float[] one = ws.forward(1, false);
      for (int c = 0; c < 10; c++) {
        assertEquals(one[c], logits[i * 10 + c], 1e-4f);
      }
    }
  }

  /** The whole LeNet-5: loss gradient at random weights of every tensor vs central differences. */
  @Test
  void lenet5WholeModelGradient() {
    Model m = Models.create("lenet5", 5);
    Random r = new Random(9);
    int count = 2;
    Workspace ws = m.newWorkspace(count);
    for (int i = 0; i < count * 784; i++) {
      ws.input()[i] = (float) r.nextGaussian();
    }
    ws.targets()[0] = 3;
    ws.targets()[1] = 8;
    ws.forward(count, true);
    ws.lossAndBackward(count, 1f / count);
    float[][] grads = new float[m.parameters().size()][];
    for (int i = 0; i < grads.length; i++) {
      grads[i] = ws.gradients()[i].clone();
    }
    float eps = 1e-2f;
    for (int t = 0; t < grads.length; t++) {
      float[] w = m.parameters().get(t).data();
      for (int k = 0; k < 4; k++) {
        int i = r.nextInt(w.length);
        float old = w[i];
        w[i] = old + eps;
        double plus = loss(ws, count);
        w[i] = old - eps;
        double minus = loss(ws, count);
        w[i] = old;
        GradientCheck.assertClose(m.parameters().get(t).name() + "[" + i + "]", grads[t][i],
            (plus - minus) / (2 * eps), 5e-2, 2e-3);
      }
    }
  }

  private static double loss(Workspace ws, int count) {
    float[] logits = ws.forward(count, true);
    return SoftmaxCrossEntropy.lossAndGradient(logits, count, 10, ws.targets(), 0, 1f, null) / count;
  }
}
