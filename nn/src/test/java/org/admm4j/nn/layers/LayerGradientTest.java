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
  void conv2dWithoutBias() {
    Conv2d conv = new Conv2d("conv", new int[] {2, 6, 7}, 3, 3, 2, 1, false, init);
    org.junit.jupiter.api.Assertions.assertEquals(1, conv.parameters().size());
    GradientCheck.check(conv, 2, true, random, 20, REL, ABS);
  }

  @Test
  void linearWithoutBias() {
    Linear fc = new Linear("fc", 11, 5, false, init);
    org.junit.jupiter.api.Assertions.assertEquals(1, fc.parameters().size());
    GradientCheck.check(fc, 3, true, random, 20, REL, ABS);
  }

  @Test
  void avgPoolPaddedStrided() {
    GradientCheck.check(new AvgPool2d("pool", new int[] {2, 7, 8}, 3, 2, 1), 2, true, random, 30, REL, ABS);
    GradientCheck.check(new AvgPool2d("pool", new int[] {3, 6, 6}, 2, 2, 0), 2, true, random, 30, REL, ABS);
  }

  @Test
  void globalAvgPool() {
    GradientCheck.check(new GlobalAvgPool("gap", new int[] {3, 5, 4}), 3, true, random, 30, REL, ABS);
  }

  @Test
  void residualWithProjectionShortcut() {
    int[] in = {2, 6, 6};
    Conv2d c1 = new Conv2d("b.conv1", in, 3, 3, 2, 1, false, init);
    BatchNorm bn1 = new BatchNorm("b.bn1", c1.outputShape());
    Conv2d c2 = new Conv2d("b.conv2", c1.outputShape(), 3, 3, 1, 1, false, init);
    Conv2d down = new Conv2d("b.down", in, 3, 1, 2, 0, false, init);
    Residual r = new Residual("b", in, java.util.List.of(c1, bn1, new ReLU("b.relu", c1.outputShape()), c2),
        java.util.List.of(down));
    GradientCheck.check(r, 3, true, random, 15, 3e-2, 3e-3, true);
  }

  @Test
  void residualWithIdentityShortcut() {
    int[] in = {2, 5, 5};
    Conv2d c1 = new Conv2d("b.conv1", in, 2, 3, 1, 1, init);
    // smooth layers only: a ReLU after the convolution could put a kink inside the ±eps step
    Residual r = new Residual("b", in, java.util.List.of(c1, new BatchNorm("b.bn", in)), java.util.List.of());
    GradientCheck.check(r, 2, true, random, 20, 3e-2, 3e-3, true);
  }

  @Test
  void maxPoolPadded() {
    GradientCheck.check(new MaxPool2d("pool", new int[] {2, 7, 6}, 3, 2, 1), 2, true, random, 30, REL, ABS, true);
  }

  /**
   * 3×3, stride 1, padding 1 on planes wider than a vector, two samples: the chunked path of the Vector API
   * set (one sample a chunk, the input gradient as the forward of the turned weights).
   */
  @Test
  void conv2dSamePadding3x3() {
    GradientCheck.check(new Conv2d("conv", new int[] {3, 9, 11}, 4, 3, 1, 1, init), 2, true, random, 25, REL, ABS);
  }

  /** Planes of 63 floats: the vector bodies and scalar tails of the batch-norm kernels. */
  @Test
  void batchNormOnWidePlanes() {
    GradientCheck.check(new BatchNorm("bn", new int[] {3, 7, 9}), 3, true, random, 25, 3e-2, 3e-3);
  }

  @Test
  void batchNormWithItsOwnEpsAndMomentum() {
    GradientCheck.check(new BatchNorm("bn", new int[] {3, 4, 5}, 1e-3f, 0.2f), 3, true, random, 25, 3e-2, 3e-3);
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
