package org.admm4j.nn.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.admm4j.nn.Model;

/**
 * A network described as data: its name, the per-sample input shape {@code [C, H, W]}, the class count
 * and the layers. {@link SpecReader} reads the JSON form, {@link SpecWriter} writes it (every model file
 * carries it), and {@link #build(long)} makes a freshly initialised {@link Model} with the shapes
 * inferred layer by layer.
 */
public record ModelSpec(String name, int[] input, int classes, List<LayerSpec> layers) {

  public ModelSpec {
    Objects.requireNonNull(name, "name");
    input = input.clone();
    layers = List.copyOf(layers);
  }

  /** The per-sample input shape (a copy). */
  @Override
  public int[] input() {
    return input.clone();
  }

  /**
   * A model with PyTorch's default initialisation drawn from {@code seed} in layer order.
   *
   * @throws SpecException naming the layer, the key and the shapes when the spec does not fit together
   */
  public Model build(long seed) {
    return ModelAssembler.assemble(this, seed, Long.MAX_VALUE);
  }

  /**
   * As {@link #build(long)}, refusing before any allocation a spec whose convolution and linear weights
   * hold more than {@code maxWeights} floats in all: a model file's spec cannot need more weights than the
   * file stores, however large the layers it declares.
   *
   * @throws SpecException as {@link #build(long)}, or naming the layer that goes over {@code maxWeights}
   */
  public Model build(long seed, long maxWeights) {
    return ModelAssembler.assemble(this, seed, maxWeights);
  }

  /** The canonical JSON form (every default written out), as model files store it. */
  public String toJson() {
    return SpecWriter.write(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelSpec s && name.equals(s.name) && Arrays.equals(input, s.input)
        && classes == s.classes && layers.equals(s.layers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, Arrays.hashCode(input), classes, layers);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
