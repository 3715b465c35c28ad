package org.admm4j.nn.spec;

import java.util.List;

/**
 * One entry of an architecture spec, as the JSON spec names it ({@code "type": "conv2d"}, ...). Names are
 * the prefixes of the layer's tensor names ({@code conv1} → {@code conv1.weight}); inside a residual
 * block they are relative to the block ({@code block1} + {@code conv1} → {@code block1.conv1.weight}).
 * Values follow PyTorch's defaults where the JSON leaves them out (see {@link SpecReader}).
 */
public sealed interface LayerSpec {

  /** The layer's name, never null once a spec has been read or built. */
  String name();

  /** The JSON {@code type} of this entry. */
  String type();

  /** {@code nn.Conv2d(in, outChannels, kernel, stride, padding, bias=bias)}: square kernel. */
  record Conv2d(String name, int outChannels, int kernel, int stride, int padding, boolean bias)
      implements LayerSpec {
    @Override
    public String type() {
      return "conv2d";
    }
  }

  /** {@code nn.Linear(in, outFeatures, bias=bias)}; its input must be flat (a flatten before it). */
  record Linear(String name, int outFeatures, boolean bias) implements LayerSpec {
    @Override
    public String type() {
      return "linear";
    }
  }

  /** {@code BatchNorm2d} on {@code [C, H, W]}, {@code BatchNorm1d} on flat features (PyTorch: eps 1e-5, momentum 0.1). */
  record BatchNorm(String name, float eps, float momentum) implements LayerSpec {
    public BatchNorm(String name) {
      this(name, 1e-5f, 0.1f);
    }

    @Override
    public String type() {
      return "batchnorm";
    }
  }

  /** {@code nn.ReLU()}. */
  record Relu(String name) implements LayerSpec {
    @Override
    public String type() {
      return "relu";
    }
  }

  /** {@code nn.MaxPool2d(kernel, stride, padding)}, floor mode; padding counts as −∞. */
  record MaxPool(String name, int kernel, int stride, int padding) implements LayerSpec {
    public MaxPool(String name, int kernel, int stride) {
      this(name, kernel, stride, 0);
    }

    @Override
    public String type() {
      return "maxpool";
    }
  }

  /** {@code nn.AvgPool2d(kernel, stride, padding)} with padded zeros counted (PyTorch's default). */
  record AvgPool(String name, int kernel, int stride, int padding) implements LayerSpec {
    @Override
    public String type() {
      return "avgpool";
    }
  }

  /** {@code nn.AdaptiveAvgPool2d(1)}: {@code [C, H, W]} → {@code [C, 1, 1]}. */
  record GlobalAvgPool(String name) implements LayerSpec {
    @Override
    public String type() {
      return "global_avgpool";
    }
  }

  /** {@code nn.Flatten()}: {@code [C, H, W]} → {@code [C·H·W]}. */
  record Flatten(String name) implements LayerSpec {
    @Override
    public String type() {
      return "flatten";
    }
  }

  /** {@code nn.Dropout(p)}: identity in evaluation. */
  record Dropout(String name, float p) implements LayerSpec {
    @Override
    public String type() {
      return "dropout";
    }
  }

  /**
   * {@code body(x) + shortcut(x)}; an empty shortcut is the identity. The block's name prefixes the
   * names of everything inside it.
   */
  record Residual(String name, List<LayerSpec> body, List<LayerSpec> shortcut) implements LayerSpec {
    public Residual {
      body = List.copyOf(body);
      shortcut = List.copyOf(shortcut);
    }

    @Override
    public String type() {
      return "residual";
    }
  }
}
