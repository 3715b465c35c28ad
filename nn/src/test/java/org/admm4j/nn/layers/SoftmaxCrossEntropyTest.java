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

  @Test
  void distillationGradientMatchesFiniteDifferences() {
    Random r = new Random(5);
    int count = 3, classes = 6;
    float[] logits = new float[count * classes];
    float[] teacher = new float[count * classes];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) r.nextGaussian() * 2;
      teacher[i] = (float) r.nextGaussian() * 4;
    }
    int[] targets = {5, 0, 2};
    for (float[] at : new float[][] {{0f, 1f}, {0.5f, 4f}, {1f, 2.5f}, {0.3f, 0.7f}}) {
      float[] d = new float[logits.length];
      java.util.Arrays.fill(d, Float.NaN);
      SoftmaxCrossEntropy.distillationLossAndGradient(logits, teacher, count, classes, targets, 0, at[0], at[1],
          0.25f, d);
      float eps = 1e-2f;
      for (int i = 0; i < logits.length; i++) {
        float old = logits[i];
        logits[i] = old + eps;
        double plus = SoftmaxCrossEntropy.distillationLossAndGradient(logits, teacher, count, classes, targets, 0,
            at[0], at[1], 1f, null);
        logits[i] = old - eps;
        double minus = SoftmaxCrossEntropy.distillationLossAndGradient(logits, teacher, count, classes, targets, 0,
            at[0], at[1], 1f, null);
        logits[i] = old;
        GradientCheck.assertClose("alpha " + at[0] + " T " + at[1] + " dlogit " + i, d[i],
            0.25 * (plus - minus) / (2 * eps), 1e-2, 1e-4);
      }
    }
  }

  @Test
  void distillationWithoutSoftTermIsCrossEntropy() {
    Random r = new Random(8);
    float[] logits = new float[20];
    float[] teacher = new float[20];
    for (int i = 0; i < 20; i++) {
      logits[i] = (float) r.nextGaussian();
      teacher[i] = (float) r.nextGaussian();
    }
    int[] targets = {1, 3, 0, 4};
    float[] d1 = new float[20];
    float[] d2 = new float[20];
    double ce = SoftmaxCrossEntropy.lossAndGradient(logits, 4, 5, targets, 0, 1f, d1);
    double kd = SoftmaxCrossEntropy.distillationLossAndGradient(logits, teacher, 4, 5, targets, 0, 0f, 3f, 1f, d2);
    assertEquals(ce, kd, 1e-9);
    for (int i = 0; i < 20; i++) {
      assertEquals(d1[i], d2[i], 1e-7f);
    }
    // a student equal to its teacher has no soft loss: only the hard term remains
    double same = SoftmaxCrossEntropy.distillationLossAndGradient(logits, logits, 4, 5, targets, 0, 1f, 2f, 1f, null);
    assertEquals(0.0, same, 1e-9);
  }

  @Test
  void distillationRejectsBadWeightAndTemperature() {
    float[] l = new float[3];
    assertThrows(IllegalArgumentException.class,
        () -> SoftmaxCrossEntropy.distillationLossAndGradient(l, l, 1, 3, new int[] {0}, 0, 1.5f, 1f, 1f, null));
    assertThrows(IllegalArgumentException.class,
        () -> SoftmaxCrossEntropy.distillationLossAndGradient(l, l, 1, 3, new int[] {0}, 0, 0.5f, 0f, 1f, null));
  }
}
