package org.admm4j.nn.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.admm4j.nn.Model;
import org.admm4j.nn.Parameter;
import org.admm4j.nn.Sequential;
import org.admm4j.nn.layers.AvgPool2d;
import org.admm4j.nn.layers.BatchNorm;
import org.admm4j.nn.layers.Conv2d;
import org.admm4j.nn.layers.Dropout;
import org.admm4j.nn.layers.Flatten;
import org.admm4j.nn.layers.GlobalAvgPool;
import org.admm4j.nn.layers.Layer;
import org.admm4j.nn.layers.Linear;
import org.admm4j.nn.layers.MaxPool2d;
import org.admm4j.nn.layers.ReLU;
import org.admm4j.nn.layers.Residual;

/**
 * Turns a {@link ModelSpec} into layers, inferring every layer's input shape from the one before and
 * refusing what does not fit with the layer's path, the key and the shapes. Weights are drawn from one
 * {@link SplittableRandom} in layer order (as PyTorch's constructors draw them), so a seed fixes them.
 */
final class ModelAssembler {

  /** Dropout layer k (from 0, in model order) hashes its masks with this constant ^ seed, plus k·golden. */
  private static final long DROPOUT_SALT = 0x5DEECE66DL;

  private final ModelSpec spec;
  private final long seed;
  private final SplittableRandom random;
  private int dropouts;
  // convolution and linear weights allowed in all, and declared so far (checked before each allocation)
  private final long maxWeights;
  private long weights;

  private ModelAssembler(ModelSpec spec, long seed, long maxWeights) {
    this.spec = spec;
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.maxWeights = maxWeights;
  }

  static Model assemble(ModelSpec spec, long seed, long maxWeights) {
    return new ModelAssembler(spec, seed, maxWeights).model();
  }

  /** The output shape of {@code spec}'s layers, whatever its class count says. */
  static int[] outputShape(ModelSpec spec) {
    ModelAssembler a = new ModelAssembler(spec, 0, Long.MAX_VALUE);
    a.checkInput();
    return a.chain(spec.layers(), "layers", "", spec.input(), new ArrayList<>());
  }

  private void checkInput() {
    int[] input = spec.input();
    if (input.length != 3 && input.length != 1) {
      throw error("", "key 'input': expected [channels, height, width] or [features], found "
          + Arrays.toString(input));
    }
    for (int d : input) {
      if (d < 1) {
        throw error("", "key 'input': every dimension must be positive, found " + Arrays.toString(input));
      }
    }
    if (spec.layers().isEmpty()) {
      throw error("", "key 'layers': a model needs at least one layer");
    }
  }

  private Model model() {
    checkInput();
    int[] input = spec.input();
    List<Layer> layers = new ArrayList<>();
    int[] out = chain(spec.layers(), "layers", "", input, layers);
    if (out.length != 1 || out[0] != spec.classes()) {
      LayerSpec last = spec.layers().get(spec.layers().size() - 1);
      throw error("layers[" + (spec.layers().size() - 1) + "] (" + last.type() + " '" + last.name() + "')",
          "the last layer gives " + Arrays.toString(out) + " per sample, but 'classes' is " + spec.classes()
          + ": expected [" + spec.classes() + "]" + (out.length != 1 ? " (a flatten and a linear layer end most "
          + "classifiers)" : ""));
    }
    Map<String, String> owners = new HashMap<>();
    for (Layer l : layers) {
      for (Parameter p : concat(l.parameters(), l.buffers())) {
        String other = owners.put(p.name(), l.name());
        if (other != null) {
          throw error("", "two tensors named '" + p.name() + "': give the layers distinct names");
        }
      }
    }
    return new Sequential(spec.name(), input, spec.classes(), layers);
  }

  private static List<Parameter> concat(List<Parameter> a, List<Parameter> b) {
    List<Parameter> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Builds {@code specs} onto {@code out}, returning the chain's output shape. */
  private int[] chain(List<LayerSpec> specs, String path, String prefix, int[] shape, List<Layer> out) {
    for (int i = 0; i < specs.size(); i++) {
      LayerSpec s = specs.get(i);
      String full = prefix + s.name();
      String where = path + "[" + i + "] (" + s.type() + " '" + full + "')";
      Layer layer = layer(s, full, where, path + "[" + i + "]", shape);
      out.add(layer);
      shape = layer.outputShape();
    }
    return shape;
  }

  private Layer layer(LayerSpec s, String name, String where, String path, int[] in) {
    String shape = Arrays.toString(in);
    if (s instanceof LayerSpec.Conv2d c) {
      needImage(in, where, "a convolution");
      if (in[1] + 2 * c.padding() < c.kernel() || in[2] + 2 * c.padding() < c.kernel()) {
        throw error(where, "key 'kernel': " + c.kernel() + " with padding " + c.padding() + " does not fit input "
            + shape + ": the output would be smaller than 1×1");
      }
      spendWeights(where, saturated((long) c.outChannels() * in[0], (long) c.kernel() * c.kernel()));
      return new Conv2d(name, in, c.outChannels(), c.kernel(), c.stride(), c.padding(), c.bias(), random);
    }
    if (s instanceof LayerSpec.Linear f) {
      if (in.length != 1) {
        throw error(where, "a linear layer takes flat features [F] but gets " + shape
            + "; put a flatten before it");
      }
      spendWeights(where, (long) f.outFeatures() * in[0]);
      return new Linear(name, in[0], f.outFeatures(), f.bias(), random);
    }
    if (s instanceof LayerSpec.BatchNorm b) {
      return new BatchNorm(name, in, b.eps(), b.momentum());
    }
    if (s instanceof LayerSpec.Relu) {
      return new ReLU(name, in);
    }
    if (s instanceof LayerSpec.MaxPool p) {
      needImage(in, where, "max pooling");
      if (in[1] + 2 * p.padding() < p.kernel() || in[2] + 2 * p.padding() < p.kernel()) {
        throw error(where, "key 'kernel': " + p.kernel() + " with padding " + p.padding() + " is larger than the "
            + "input " + shape + ": the output would be smaller than 1×1");
      }
      return new MaxPool2d(name, in, p.kernel(), p.stride(), p.padding());
    }
    if (s instanceof LayerSpec.AvgPool p) {
      needImage(in, where, "average pooling");
      if (in[1] + 2 * p.padding() < p.kernel() || in[2] + 2 * p.padding() < p.kernel()) {
        throw error(where, "key 'kernel': " + p.kernel() + " with padding " + p.padding() + " is larger than the "
            + "input " + shape + ": the output would be smaller than 1×1");
      }
      return new AvgPool2d(name, in, p.kernel(), p.stride(), p.padding());
    }
    if (s instanceof LayerSpec.GlobalAvgPool) {
      needImage(in, where, "global average pooling");
      return new GlobalAvgPool(name, in);
    }
    if (s instanceof LayerSpec.Flatten) {
      return new Flatten(name, in);
    }
    if (s instanceof LayerSpec.Dropout d) {
      long salt = (seed ^ DROPOUT_SALT) + dropouts++ * 0x9E3779B97F4A7C15L;
      return new Dropout(name, in, d.p(), salt);
    }
    if (s instanceof LayerSpec.Residual r) {
      List<Layer> body = new ArrayList<>();
      int[] b = chain(r.body(), path + ".body", name + ".", in, body);
      List<Layer> shortcut = new ArrayList<>();
      int[] sc = chain(r.shortcut(), path + ".shortcut", name + ".", in, shortcut);
      if (!Arrays.equals(b, sc)) {
        throw error(where, "the body gives " + Arrays.toString(b) + " but the shortcut gives " + Arrays.toString(sc)
            + (r.shortcut().isEmpty() ? " (an empty shortcut is the identity)" : "")
            + "; the branches of a residual sum must agree");
      }
      return new Residual(name, in, body, shortcut);
    }
    throw new AssertionError(s);
  }

  /** a·b for a, b ≥ 0, or Long.MAX_VALUE where it overflows (four sizes of up to 2^20 can). */
  private static long saturated(long a, long b) {
    return Math.multiplyHigh(a, b) != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
  }

  private void spendWeights(String where, long n) {
    weights = n > maxWeights - weights ? Long.MAX_VALUE : weights + n;
    if (weights > maxWeights) {
      throw error(where, "the weights so far need more than the " + maxWeights + " floats allowed (a model file's"
          + " spec cannot need more weights than the file stores)");
    }
  }

  private void needImage(int[] in, String where, String what) {
    if (in.length != 3) {
      throw error(where, what + " takes [channels, height, width] but gets " + Arrays.toString(in));
    }
  }

  private SpecException error(String where, String what) {
    return new SpecException("model '" + spec.name() + "'" + (where.isEmpty() ? "" : ": " + where) + ": " + what);
  }
}
