package org.admm4j.nn.surgery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.Sequential;
import org.admm4j.nn.compact.QuantizedLenet5;
import org.admm4j.nn.io.ModelTensors;
import org.admm4j.nn.io.Tensor;
import org.junit.jupiter.api.Test;

class UnreadUnitsTest {

  @Test
  void prunedLenet5KeepsItsLogitsBitForBit() throws IOException {
    Model m = QuantizedLenet5.build(42);
    LinkedHashMap<String, Tensor> before = ModelTensors.of(m);
    float[] fc1BiasBefore = m.parameter("fc1.bias").data().clone();
    UnreadUnits.Result r = UnreadUnits.zero(m.spec(), before);

    // the caller's arrays are untouched; untouched tensors are passed through
    assertArrayEquals(fc1BiasBefore, m.parameter("fc1.bias").data());
    assertSame(before.get("fc2.bias"), r.tensors().get("fc2.bias"));
    assertEquals(before.keySet().stream().toList(), r.tensors().keySet().stream().toList());
    assertEquals(Map.of("conv1", 1, "conv2", 32, "fc1", 430), r.zeroedUnits());
    assertEquals(19, nonZero(r.tensors().get("conv1.bias")));
    assertEquals(18, nonZero(r.tensors().get("conv2.bias")));
    assertEquals(70, nonZero(r.tensors().get("fc1.bias")));
    // a unit still read keeps its bias
    float[] fc2 = m.parameter("fc2.weight").data();
    float[] fc1Bias = r.tensors().get("fc1.bias").data();
    for (int u = 0; u < 500; u++) {
      boolean read = false;
      for (int k = 0; k < 10; k++) {
        read |= fc2[k * 500 + u] != 0f;
      }
      assertEquals(read ? fc1BiasBefore[u] : 0f, fc1Bias[u], "fc1.bias[" + u + "]");
    }
    assertLogitsEqual(m, r.tensors(), 784);
  }

  /** A unit whose only readers are unread units is unread too: fc1's dead units are found before conv2's. */
  @Test
  void followsUnreadUnitsBackThroughFlattenAndPools() throws IOException {
    Model m = Sequential.builder(2, 8, 8).name("chain")
        .conv2d("conv1", 4, 3, 1, 1, true).relu().maxPool(2)
        .flatten().linear("fc1", 6).relu().linear("fc2", 3).build(7);
    m.setTraining(false);
    // fc2 reads fc1's units 0 and 1 only; those read conv1's channel 2 only (features 32..47)
    float[] fc2 = m.parameter("fc2.weight").data();
    for (int k = 0; k < 3; k++) {
      for (int u = 2; u < 6; u++) {
        fc2[k * 6 + u] = 0f;
      }
    }
    float[] fc1 = m.parameter("fc1.weight").data();
    for (int u = 0; u < 2; u++) {
      for (int f = 0; f < 64; f++) {
        if (f / 16 != 2) {
          fc1[u * 64 + f] = 0f;
        }
      }
    }
    UnreadUnits.Result r = UnreadUnits.zero(m.spec(), ModelTensors.of(m));
    assertEquals(Map.of("conv1", 3, "fc1", 4), r.zeroedUnits());
    float[] conv1 = r.tensors().get("conv1.weight").data();
    for (int o = 0; o < 4; o++) {
      int nz = 0;
      for (int j = o * 18; j < (o + 1) * 18; j++) {
        nz += conv1[j] != 0f ? 1 : 0;
      }
      assertEquals(o == 2 ? 18 : 0, nz, "conv1 filter " + o);
    }
    assertEquals(1, nonZero(r.tensors().get("conv1.bias")));
    assertEquals(2, nonZero(r.tensors().get("fc1.bias")));
    assertLogitsEqual(m, r.tensors(), 128);
  }

  @Test
  void zeroesTheBatchNormEntriesOfUnreadChannels() throws IOException {
    Model m = Sequential.builder(3, 8, 8).name("bn")
        .conv2d("conv1", 6, 3, 1, 1, true).batchNorm("bn1").relu().maxPool(2)
        .conv2d("conv2", 5, 3, 1, 1, false).batchNorm("bn2").relu().globalAvgPool()
        .flatten().linear("fc1", 7).batchNorm("bn3").relu().dropout(0.3f).linear("fc2", 4).build(3);
    randomiseBatchNorms(m, 4);
    m.setTraining(false);
    // conv2 reads conv1's channels 0, 1, 4; fc1 reads conv2's channels 1 and 3; fc2 reads fc1's units 2..5
    zeroInputs(m.parameter("conv2.weight"), 6, 9, c -> c == 0 || c == 1 || c == 4);
    zeroInputs(m.parameter("fc1.weight"), 5, 1, c -> c == 1 || c == 3);
    zeroInputs(m.parameter("fc2.weight"), 7, 1, u -> u >= 2 && u <= 5);
    UnreadUnits.Result r = UnreadUnits.zero(m.spec(), ModelTensors.of(m));
    assertEquals(Map.of("conv1", 3, "conv2", 3, "fc1", 3), r.zeroedUnits());
    for (String t : new String[] {"weight", "bias", "running_mean", "running_var"}) {
      float[] bn1 = r.tensors().get("bn1." + t).data(), bn3 = r.tensors().get("bn3." + t).data();
      assertEquals(3, nonZero(new Tensor(new int[] {6}, bn1)), "bn1." + t);
      assertEquals(0f, bn1[2], "bn1." + t + "[2]");
      assertEquals(2, nonZero(r.tensors().get("bn2." + t)), "bn2." + t);
      assertEquals(4, nonZero(new Tensor(new int[] {7}, bn3)), "bn3." + t);
    }
    assertLogitsEqual(m, r.tensors(), 192);
  }

  /** Nothing inside or before a residual block is zeroed; units after it are. */
  @Test
  void leavesResidualBlocksAndWhatFeedsThemAlone() throws IOException {
    Model m = Sequential.builder(3, 6, 6).name("res")
        .conv2d("conv1", 4, 3, 1, 1, true).relu()
        .residual("block1", b -> b.conv2d("conv1", 4, 3, 1, 1, true).relu().conv2d("conv2", 4, 3, 1, 1, true))
        .relu().flatten().linear("fc1", 5).relu().linear("fc2", 3).build(9);
    m.setTraining(false);
    zeroInputs(m.parameter("fc1.weight"), 144, 1, f -> f / 36 == 0);
    zeroInputs(m.parameter("block1.conv2.weight"), 4, 9, c -> c != 1);
    zeroInputs(m.parameter("fc2.weight"), 5, 1, u -> u != 4);
    UnreadUnits.Result r = UnreadUnits.zero(m.spec(), ModelTensors.of(m));
    assertEquals(Map.of("fc1", 1), r.zeroedUnits());
    for (String t : new String[] {"conv1.bias", "block1.conv1.bias", "block1.conv2.bias"}) {
      assertEquals(4, nonZero(r.tensors().get(t)), t);
    }
    assertLogitsEqual(m, r.tensors(), 108);
  }

  @Test
  void refusesTensorsThatDoNotFitTheSpec() {
    Model m = QuantizedLenet5.build(1);
    LinkedHashMap<String, Tensor> t = ModelTensors.of(m);
    t.remove("fc1.bias");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> UnreadUnits.zero(m.spec(), t));
    assertTrue(missing.getMessage().contains("'fc1.bias' is missing"), missing.getMessage());
    t.put("fc1.bias", Tensor.of(new float[499]));
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> UnreadUnits.zero(m.spec(), t));
    assertTrue(shape.getMessage().contains("'fc1.bias' has 499 elements, the spec implies 500"), shape.getMessage());
  }

  private static void zeroInputs(Parameter w, int inputs, int taps, java.util.function.IntPredicate kept) {
    float[] d = w.data();
    for (int j = 0; j < d.length; j++) {
      if (!kept.test(j / taps % inputs)) {
        d[j] = 0f;
      }
    }
  }

  private static void randomiseBatchNorms(Model m, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (Parameter p : m.tensors()) {
      if (p.name().startsWith("bn")) {
        float[] d = p.data();
        for (int i = 0; i < d.length; i++) {
          d[i] = p.name().endsWith("running_var") ? (float) (0.5 + r.nextDouble()) : (float) r.nextGaussian();
        }
      }
    }
  }

  private static int nonZero(Tensor t) {
    int n = 0;
    for (float v : t.data()) {
      n += v != 0f ? 1 : 0;
    }
    return n;
  }

  /** Logits of {@code m} and of its architecture with {@code tensors}, compared bit for bit on random images. */
  private static void assertLogitsEqual(Model m, Map<String, Tensor> tensors, int size) throws IOException {
    Model other = m.spec().build(0);
    ModelTensors.copyInto(other, tensors, "zeroed");
    other.setTraining(false);
    SplittableRandom r = new SplittableRandom(5);
    int n = 64;
    float[] x = new float[n * size];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    float[] a = m.predictLogits(x, n), b = other.predictLogits(x, n);
    for (int i = 0; i < a.length; i++) {
      assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "logit " + i + ": " + a[i] + " vs "
          + b[i]);
    }
    assertNotEquals(0, a.length);
  }
}
