package org.admm4j.nn;

import java.util.ArrayList;
import java.util.List;
import org.admm4j.nn.spec.LayerSpec;
import org.admm4j.nn.spec.ModelSpec;

/**
 * The model zoo: specs like any other, for 28×28 grey-scale images and 10 classes (MNIST,
 * Fashion-MNIST). Building one from a seed gives the same weights whichever way it is made.
 */
public final class Models {

  private static final List<String> NAMES = List.of("lenet5", "lenet-300-100", "convnet");

  private Models() {}

  /** Names {@link #create} accepts. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * The spec of a zoo model.
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static ModelSpec spec(String name) {
    switch (name) {
      case "lenet5":
        return lenet5();
      case "lenet-300-100":
        return lenet300100();
      case "convnet":
        return convnet();
      default:
        throw new IllegalArgumentException("unknown model '" + name + "'; known models: " + String.join(", ", NAMES));
    }
  }

  /**
   * A freshly initialised zoo model (PyTorch's default initialisation, drawn from {@code seed}).
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static Model create(String name, long seed) {
    return spec(name).build(seed);
  }

  /**
   * Caffe's LeNet-5 (the ADMM paper's): conv1 20@5×5 → max-pool 2 → conv2 50@5×5 → max-pool 2 →
   * fc1 500 → ReLU → fc2 10; no ReLU after the convolutions, as in Caffe. 431,080 parameters.
   */
  private static ModelSpec lenet5() {
    return new ModelSpec("lenet5", new int[] {1, 28, 28}, 10, List.of(
        new LayerSpec.Conv2d("conv1", 20, 5, 1, 0, true),
        new LayerSpec.MaxPool("pool1", 2, 2),
        new LayerSpec.Conv2d("conv2", 50, 5, 1, 0, true),
        new LayerSpec.MaxPool("pool2", 2, 2),
        new LayerSpec.Flatten("flatten"),
        new LayerSpec.Linear("fc1", 500, true),
        new LayerSpec.Relu("relu1"),
        new LayerSpec.Linear("fc2", 10, true)));
  }

  /** LeNet-300-100: fc1 784→300 → ReLU → fc2 300→100 → ReLU → fc3 100→10. 266,610 parameters. */
  private static ModelSpec lenet300100() {
    return new ModelSpec("lenet-300-100", new int[] {1, 28, 28}, 10, List.of(
        new LayerSpec.Flatten("flatten"),
        new LayerSpec.Linear("fc1", 300, true),
        new LayerSpec.Relu("relu1"),
        new LayerSpec.Linear("fc2", 100, true),
        new LayerSpec.Relu("relu2"),
        new LayerSpec.Linear("fc3", 10, true)));
  }

  /**
   * A small VGG-style network for Fashion-MNIST: two blocks of two 3×3 convolutions (32, then 64
   * channels, padding 1) each followed by BatchNorm and ReLU, a 2×2 max-pool after each block, then
   * fc1 3136→256 → BatchNorm1d → ReLU → dropout 0.3 → fc2 256→10.
   */
  private static ModelSpec convnet() {
    List<LayerSpec> layers = new ArrayList<>();
    int index = 1;
    for (int block = 0; block < 2; block++) {
      int channels = block == 0 ? 32 : 64;
      for (int rep = 0; rep < 2; rep++, index++) {
        layers.add(new LayerSpec.Conv2d("conv" + index, channels, 3, 1, 1, true));
        layers.add(new LayerSpec.BatchNorm("bn" + index));
        layers.add(new LayerSpec.Relu("relu" + index));
      }
      layers.add(new LayerSpec.MaxPool("pool" + (block + 1), 2, 2));
    }
    layers.add(new LayerSpec.Flatten("flatten"));
    layers.add(new LayerSpec.Linear("fc1", 256, true));
    layers.add(new LayerSpec.BatchNorm("bn5"));
    layers.add(new LayerSpec.Relu("relu5"));
    layers.add(new LayerSpec.Dropout("dropout", 0.3f));
    layers.add(new LayerSpec.Linear("fc2", 10, true));
    return new ModelSpec("convnet", new int[] {1, 28, 28}, 10, layers);
  }
}
