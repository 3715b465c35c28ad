package org.admm4j.admm;

import java.util.List;
import java.util.SplittableRandom;
import org.admm4j.admm.pipeline.TrainingData;
import org.admm4j.datasets.SyntheticDataset;
import org.admm4j.nn.Model;
import org.admm4j.nn.Sequential;
import org.admm4j.nn.layers.Conv2d;
import org.admm4j.nn.layers.Flatten;
import org.admm4j.nn.layers.Linear;
import org.admm4j.nn.layers.MaxPool2d;
import org.admm4j.nn.layers.ReLU;

/** A LeNet-like network for 8×8 images small enough for unit tests, and synthetic data for it. */
public final class TinyNets {

  private TinyNets() {}

  /** conv1 4@3×3 → max-pool 2 → fc1 36→24 → ReLU → fc2 24→10: 36 + 864 + 240 weights. */
  public static Model tiny(String name, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Conv2d conv1 = new Conv2d("conv1", new int[] {1, 8, 8}, 4, 3, 1, 0, r);
    MaxPool2d pool = new MaxPool2d("pool1", conv1.outputShape(), 2, 2);
    Flatten flat = new Flatten("flatten", pool.outputShape());
    return new Sequential(name, 1, 8, 8, 10, List.of(conv1, pool, flat, new Linear("fc1", flat.outputSize(), 24, r),
        new ReLU("relu1", new int[] {24}), new Linear("fc2", 24, 10, r)));
  }

  /**
   * A residual network with BatchNorms for structured pruning: conv1 6 → bn1 → conv2 8 → bn2 →
   * block1 (conv1 5 → bn1 → conv2 8 → bn2, identity shortcut) → pool → fc1 12 → bn3 → fc2 10.
   */
  public static Model residual(String name, long seed) {
    return Sequential.builder(1, 8, 8).name(name)
        .conv2d("conv1", 6, 3, 1, 1, true).batchNorm("bn1").relu()
        .conv2d("conv2", 8, 3, 1, 1, false).batchNorm("bn2").relu()
        .residual("block1", b -> b.conv2d("conv1", 5, 3, 1, 1, false).batchNorm("bn1").relu()
            .conv2d("conv2", 8, 3, 1, 1, false).batchNorm("bn2"))
        .relu().maxPool(2).flatten().linear("fc1", 12).batchNorm("bn3").relu().linear("fc2", 10)
        .build(seed);
  }

  /** Synthetic 8×8 images of 10 classes. */
  public static TrainingData data(int train, int test) {
    return TrainingData.of(SyntheticDataset.generate(train, test, 8, 8, 10, 11), 0, 0);
  }
}
