package org.admm4j.nn.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The layer methods shared by {@link ModelBuilder} and a residual block's {@link ModelBuilder.Block}. */
public abstract class ChainBuilder<B extends ChainBuilder<B>> {

  private final List<LayerSpec> layers = new ArrayList<>();
  private final AutoNames names;

  ChainBuilder(AutoNames names) {
    this.names = names;
  }

  abstract B self();

  List<LayerSpec> layers() {
    return List.copyOf(layers);
  }

  private String name(String given, String type) {
    String auto = names.next(type);
    return given != null ? given : auto;
  }

  /** Adds any spec entry. */
  public B add(LayerSpec layer) {
    layers.add(layer);
    return self();
  }

  /** A convolution with stride 1, no padding and a bias. */
  public B conv2d(String name, int outChannels, int kernel) {
    return conv2d(name, outChannels, kernel, 1, 0, true);
  }

  public B conv2d(String name, int outChannels, int kernel, int stride, int padding) {
    return conv2d(name, outChannels, kernel, stride, padding, true);
  }

  public B conv2d(String name, int outChannels, int kernel, int stride, int padding, boolean bias) {
    return add(new LayerSpec.Conv2d(name(name, "conv2d"), outChannels, kernel, stride, padding, bias));
  }

  public B linear(String name, int outFeatures) {
    return linear(name, outFeatures, true);
  }

  public B linear(String name, int outFeatures, boolean bias) {
    return add(new LayerSpec.Linear(name(name, "linear"), outFeatures, bias));
  }

  public B batchNorm(String name) {
    return add(new LayerSpec.BatchNorm(name(name, "batchnorm")));
  }

  public B relu() {
    return add(new LayerSpec.Relu(name(null, "relu")));
  }

  /** Max pooling with stride = kernel. */
  public B maxPool(int kernel) {
    return maxPool(kernel, kernel);
  }

  public B maxPool(int kernel, int stride) {
    return add(new LayerSpec.MaxPool(name(null, "maxpool"), kernel, stride));
  }

  /** Average pooling with stride = kernel, no padding. */
  public B avgPool(int kernel) {
    return avgPool(kernel, kernel, 0);
  }

  public B avgPool(int kernel, int stride, int padding) {
    return add(new LayerSpec.AvgPool(name(null, "avgpool"), kernel, stride, padding));
  }

  public B globalAvgPool() {
    return add(new LayerSpec.GlobalAvgPool(name(null, "global_avgpool")));
  }

  public B flatten() {
    return add(new LayerSpec.Flatten(name(null, "flatten")));
  }

  public B dropout(float p) {
    return add(new LayerSpec.Dropout(name(null, "dropout"), p));
  }

  /** A residual block with the identity shortcut. */
  public B residual(String name, Consumer<ModelBuilder.Block> body) {
    return residual(name, body, null);
  }

  /** A residual block {@code body(x) + shortcut(x)}. */
  public B residual(String name, Consumer<ModelBuilder.Block> body, Consumer<ModelBuilder.Block> shortcut) {
    return add(ModelBuilder.residualSpec(name(name, "residual"), body, shortcut));
  }
}
