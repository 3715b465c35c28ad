package org.admm4j.nn.spec;

import java.util.function.Consumer;
import org.admm4j.nn.Model;

/**
 * Builds a network layer by layer with the shapes inferred, from {@code Sequential.builder(C, H, W)}:
 *
 * <pre>{@code
 * Model net = Sequential.builder(3, 32, 32).name("mynet")
 *     .conv2d("conv1", 16, 3, 1, 1, false).batchNorm("bn1").relu()
 *     .residual("block1", body -> body.conv2d("conv1", 16, 3, 1, 1, false).batchNorm("bn1").relu()
 *                                     .conv2d("conv2", 16, 3, 1, 1, false).batchNorm("bn2"))
 *     .relu().globalAvgPool().flatten().linear("fc", 10)
 *     .build(42);
 * }</pre>
 *
 * The class count is the last layer's output size. Unnamed layers are named as {@link SpecReader}
 * names them.
 */
public final class ModelBuilder extends ChainBuilder<ModelBuilder> {

  private final int[] input;
  private String name = "model";

  public ModelBuilder(int[] input) {
    super(new AutoNames());
    this.input = input.clone();
  }

  @Override
  ModelBuilder self() {
    return this;
  }

  /** The model's name (default {@code model}). */
  public ModelBuilder name(String name) {
    this.name = name;
    return this;
  }

  /**
   * The spec of what was added, its class count the last layer's output.
   *
   * @throws SpecException when the layers do not fit together or the output is not flat
   */
  public ModelSpec spec() {
    ModelSpec open = new ModelSpec(name, input, 1, layers());
    int[] out = ModelAssembler.outputShape(open);
    if (out.length != 1) {
      throw new SpecException("model '" + name + "': the last layer gives " + java.util.Arrays.toString(out)
          + " per sample; a classifier ends with flat logits (add a flatten and a linear layer)");
    }
    return new ModelSpec(name, input, out[0], layers());
  }

  /** A freshly initialised model of {@link #spec()}, weights drawn from {@code seed}. */
  public Model build(long seed) {
    return spec().build(seed);
  }

  /** The layers of a residual block's body or shortcut. */
  public static final class Block extends ChainBuilder<Block> {
    Block(AutoNames names) {
      super(names);
    }

    @Override
    Block self() {
      return this;
    }
  }

  /** A residual entry from its branch builders (body and shortcut share one naming counter). */
  static LayerSpec.Residual residualSpec(String name, Consumer<Block> body, Consumer<Block> shortcut) {
    AutoNames inner = new AutoNames();
    Block b = new Block(inner);
    body.accept(b);
    Block s = new Block(inner);
    if (shortcut != null) {
      shortcut.accept(s);
    }
    return new LayerSpec.Residual(name, b.layers(), s.layers());
  }
}
