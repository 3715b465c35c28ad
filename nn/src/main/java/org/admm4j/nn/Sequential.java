package org.admm4j.nn;

import java.util.List;
import org.admm4j.nn.layers.Layer;
import org.admm4j.nn.spec.ModelBuilder;

/** A model that is exactly its chain of layers. */
public final class Sequential extends Model {

  public Sequential(String name, int inputChannels, int inputHeight, int inputWidth, int classes,
      List<Layer> layers) {
    super(name, inputChannels, inputHeight, inputWidth, classes, layers);
  }

  /** @param inputShape per-sample input, {@code [C, H, W]} or {@code [features]} */
  public Sequential(String name, int[] inputShape, int classes, List<Layer> layers) {
    super(name, inputShape, classes, layers);
  }

  /**
   * A builder that infers every shape from {@code inputShape} ({@code [C, H, W]} or {@code [features]}):
   * {@code Sequential.builder(1, 28, 28).conv2d("conv1", 20, 5).maxPool(2).flatten().linear("fc", 10).build(42)}.
   */
  public static ModelBuilder builder(int... inputShape) {
    return new ModelBuilder(inputShape);
  }
}
