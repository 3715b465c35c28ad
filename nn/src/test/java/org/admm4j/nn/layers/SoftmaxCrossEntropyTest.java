package org.admm4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SoftmaxCrossEntropyTest {

  @Test
  void handComputedLoss() {
    // logits (0, ln 3): softmax (1/4, 3/4); target 1 → loss ln(4/3)
    float[] logits = {0f, (float) Math.log(3)};
    float[] d = new float[2];
    double loss = SoftmaxCrossEntropy.lossAndGradient(logits, 1, 2, new int[] {1}, 0, 1f, d);
    assertEquals(Math.log(4.0 / 3.0), loss, 1e-6);
    assertEquals(0.25f, d[0], 1e-6f);
    assertEquals(-0.25f, d[1], 1e-6f);
  }

  @Test
  void stableForHugeLogits() {
    float[] logits = {1e30f, -1e30f, 0f};
    float[] d = new float[3];
    double loss = SoftmaxCrossEntropy.lossAndGradient(logits, 1, 3, new int[] {0}, 0, 1f, d);
    assertEquals(0.0, loss, 1e-12);
    assertTrue(Float.isFinite(d[0]) && Float.isFinite(d[1]));
    double bad = SoftmaxCrossEntropy.lossAndGradient(logits, 1, 3, new int[] {2}, 0, 1f, d);
    assertEquals(1e30, bad, 1e24);
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    Random r = new Random(3);
    int count = 4, classes = 7;
    float[] logits = new float[count * classes];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) r.nextGaussian() * 3;
    }
    int[] targets = {0, 6, 3, 3};
    float[] d = new float[logits.length];
    SoftmaxCrossEntropy.lossAndGradient(logits, count, classes, targets, 0, 0.5f, d);
    float eps = 1e-2f;
    for (int i = 0; i < logits.length; i++) {
      float old = logits[i];
      logits[i] = old + eps;
      double plus = SoftmaxCrossEntropy.lossAndGradient(logits, count, classes, targets, 0, 1f, null);
      logits[i] = old - eps;
      double minus = SoftmaxCrossEntropy.lossAndGradient(logits, count, classes, targets, 0, 1f, null);
      logits[i] = old;
      GradientCheck.assertClose("dlogit " + i, d[i], 0.5 * (plus - minus) / (2 * eps), 1e-2, 1e-4);
    }
  }

  @Test
  void targetOutOfRangeIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> SoftmaxCrossEntropy.lossAndGradient(new float[3], 1, 3, new int[] {3}, 0, 1f, null));
  }
}
