package org.admm4j.nn.layers;

import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every layer's input and parameter gradients against central finite differences. */
class LayerGradientTest {

  private final Random random = new Random(345);
  private final SplittableRandom init = new SplittableRandom(7);

  // Linear layers are exact in x and W: float rounding is the only error source.
  private static final double REL = 2e-2;
  private static final double ABS = 2e-3;

  @Test
  void linear() {
    GradientCheck.check(new Linear("fc", 13, 7, init), 3, true, random, 20, REL, ABS);
  }

  @Test
  void conv2dNoPadding() {
    GradientCheck.check(new Conv2d("conv", new int[] {2, 7, 6}, 3, 3, 1, 0, init), 2, true, random, 20, REL, ABS);
  }

  @Test
  void conv2dPaddedStrided() {
    GradientCheck.check(new Conv2d("conv", new int[] {3, 8, 9}, 4, 3, 2, 1, init), 2, true, random, 20, REL, ABS);
  }

  @Test
  void maxPool() {
    GradientCheck.check(new MaxPool2d("pool", new int[] {2, 6, 8}, 2, 2), 2, true, random, 30, REL, ABS, true);
  }

  @Test
  void relu() {
    GradientCheck.check(new ReLU("relu", new int[] {40}), 3, true, random, 30, REL, ABS, true);
  }

  @Test
  void flatten() {
    GradientCheck.check(new Flatten("flatten", new int[] {2, 3, 4}), 2, true, random, 10, REL, ABS);
  }

  @Test
  void dropoutTrainingAndEval() {
    Dropout d = new Dropout("dropout", new int[] {50}, 0.4f, 11);
    GradientCheck.check(d, 3, true, random, 30, REL, ABS);
    GradientCheck.check(d, 3, false, random, 10, REL, ABS);
  }

  @Test
  void batchNorm2dTraining() {
    GradientCheck.check(new BatchNorm("bn", new int[] {3, 4, 5}), 3, true, random, 25, 3e-2, 3e-3);
  }

  @Test
  void batchNorm1dTraining() {
    GradientCheck.check(new BatchNorm("bn", new int[] {6}), 5, true, random, 25, 3e-2, 3e-3);
  }

  @Test
  void batchNormEval() {
    GradientCheck.check(new BatchNorm("bn", new int[] {3, 2, 2}), 2, false, random, 20, REL, ABS);
  }
}
