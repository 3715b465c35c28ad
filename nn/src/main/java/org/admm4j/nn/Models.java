package org.admm4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.admm4j.nn.layers.BatchNorm;
import org.admm4j.nn.layers.Conv2d;
import org.admm4j.nn.layers.Dropout;
import org.admm4j.nn.layers.Flatten;
import org.admm4j.nn.layers.Layer;
import org.admm4j.nn.layers.Linear;
import org.admm4j.nn.layers.MaxPool2d;
import org.admm4j.nn.layers.ReLU;

/** The model zoo: networks for 28×28 grey-scale images and 10 classes (MNIST, Fashion-MNIST). */
public final class Models {

  private static final List<String> NAMES = List.of("lenet5", "lenet-300-100", "convnet");

  private Models() {}

  /** Names {@link #create} accepts. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * A freshly initialised model (PyTorch's default initialisation, drawn from {@code seed}).
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static Model create(String name, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    switch (name) {
      case "lenet5":
        return lenet5(random);
      case "lenet-300-100":
        return lenet300100(random);
      case "convnet":
        return convnet(random, seed);
      default:
        throw new IllegalArgumentException("unknown model '" + name + "'; known models: " + String.join(", ", NAMES));
    }
  }

  /**
   * Caffe's LeNet-5 (the ADMM paper's): conv1 20@5×5 → max-pool 2 → conv2 50@5×5 → max-pool 2 →
   * fc1 500 → ReLU → fc2 10; no ReLU after the convolutions, as in Caffe. 431,080 parameters.
   */
  private static Model lenet5(SplittableRandom random) {
    List<Layer> layers = new ArrayList<>();
    Conv2d conv1 = new Conv2d("conv1", new int[] {1, 28, 28}, 20, 5, 1, 0, random);
    layers.add(conv1);
    MaxPool2d pool1 = new MaxPool2d("pool1", conv1.outputShape(), 2, 2);
    layers.add(pool1);
    Conv2d conv2 = new Conv2d("conv2", pool1.outputShape(), 50, 5, 1, 0, random);
    layers.add(conv2);
    MaxPool2d pool2 = new MaxPool2d("pool2", conv2.outputShape(), 2, 2);
    layers.add(pool2);
    Flatten flatten = new Flatten("flatten", pool2.outputShape());
    layers.add(flatten);
    layers.add(new Linear("fc1", flatten.outputSize(), 500, random));
    layers.add(new ReLU("relu1", new int[] {500}));
    layers.add(new Linear("fc2", 500, 10, random));
    return new Sequential("lenet5", 1, 28, 28, 10, layers);
  }

  /** LeNet-300-100: fc1 784→300 → ReLU → fc2 300→100 → ReLU → fc3 100→10. 266,610 parameters. */
  private static Model lenet300100(SplittableRandom random) {
    List<Layer> layers = new ArrayList<>();
    layers.add(new Flatten("flatten", new int[] {1, 28, 28}));
    layers.add(new Linear("fc1", 784, 300, random));
    layers.add(new ReLU("relu1", new int[] {300}));
    layers.add(new Linear("fc2", 300, 100, random));
    layers.add(new ReLU("relu2", new int[] {100}));
    layers.add(new Linear("fc3", 100, 10, random));
    return new Sequential("lenet-300-100", 1, 28, 28, 10, layers);
  }

  /**
   * A small VGG-style network for Fashion-MNIST: two blocks of two 3×3 convolutions (32, then 64
   * channels, padding 1) each followed by BatchNorm and ReLU, a 2×2 max-pool after each block, then
   * fc1 3136→256 → BatchNorm1d → ReLU → dropout 0.3 → fc2 256→10.
   */
  private static Model convnet(SplittableRandom random, long seed) {
    List<Layer> layers = new ArrayList<>();
    int[] shape = {1, 28, 28};
    int index = 1;
    for (int block = 0; block < 2; block++) {
      int channels = block == 0 ? 32 : 64;
      for (int rep = 0; rep < 2; rep++, index++) {
        Conv2d conv = new Conv2d("conv" + index, shape, channels, 3, 1, 1, random);
        layers.add(conv);
        shape = conv.outputShape();
        layers.add(new BatchNorm("bn" + index, shape));
        layers.add(new ReLU("relu" + index, shape));
      }
      MaxPool2d pool = new MaxPool2d("pool" + (block + 1), shape, 2, 2);
      layers.add(pool);
      shape = pool.outputShape();
    }
    Flatten flatten = new Flatten("flatten", shape);
    layers.add(flatten);
    layers.add(new Linear("fc1", flatten.outputSize(), 256, random));
    layers.add(new BatchNorm("bn5", new int[] {256}));
    layers.add(new ReLU("relu5", new int[] {256}));
    layers.add(new Dropout("dropout", new int[] {256}, 0.3f, seed ^ 0x5DEECE66DL));
    layers.add(new Linear("fc2", 256, 10, random));
    return new Sequential("convnet", 1, 28, 28, 10, layers);
  }
}
