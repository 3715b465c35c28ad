package org.admm4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.admm4j.nn.layers.Layer;
import org.admm4j.nn.spec.ModelSpec;

/**
 * A feed-forward network: a chain of {@link Layer}s from an image {@code [C, H, W]} to class logits.
 * The model owns the parameters; batch buffers live in {@link Workspace}s made per batch capacity.
 */
public abstract class Model {

  /** Samples per forward call in {@link #predictLogits}. */
  private static final int PREDICT_CHUNK = 256;

  private final String name;
  private final int[] inputShape;
  private final int inputChannels;
  private final int inputHeight;
  private final int inputWidth;
  private final int classes;
  private final List<Layer> layers;
  private final List<Parameter> parameters;
  private final List<Parameter> buffers;
  private final List<Parameter> tensors;
  private final Map<String, Parameter> byName = new LinkedHashMap<>();
  private volatile boolean training = true;
  private Workspace predictWorkspace;

  protected Model(String name, int inputChannels, int inputHeight, int inputWidth, int classes, List<Layer> layers) {
    this(name, new int[] {inputChannels, inputHeight, inputWidth}, classes, layers);
  }

  /** @param inputShape per-sample input, {@code [C, H, W]} or {@code [features]} */
  protected Model(String name, int[] inputShape, int classes, List<Layer> layers) {
    this.name = name;
    if (inputShape.length != 3 && inputShape.length != 1) {
      throw new IllegalArgumentException(name + ": input shape must be [C, H, W] or [features], got "
          + java.util.Arrays.toString(inputShape));
    }
    this.inputShape = inputShape.clone();
    this.inputChannels = inputShape[0];
    this.inputHeight = inputShape.length == 3 ? inputShape[1] : 1;
    this.inputWidth = inputShape.length == 3 ? inputShape[2] : 1;
    this.classes = classes;
    this.layers = List.copyOf(layers);
    if (this.layers.isEmpty()) {
      throw new IllegalArgumentException(name + ": a model needs at least one layer");
    }
    int expected = inputChannels * inputHeight * inputWidth;
    int previous = expected;
    List<Parameter> params = new ArrayList<>();
    List<Parameter> bufs = new ArrayList<>();
    List<Parameter> all = new ArrayList<>();
    for (Layer layer : this.layers) {
      if (layer.inputSize() != previous) {
        throw new IllegalArgumentException(name + ": layer " + layer.name() + " takes " + layer.inputSize()
            + " floats per sample but the previous layer gives " + previous);
      }
      previous = layer.outputSize();
      params.addAll(layer.parameters());
      bufs.addAll(layer.buffers());
      all.addAll(layer.parameters());
      all.addAll(layer.buffers());
    }
    if (previous != classes) {
      throw new IllegalArgumentException(name + ": the last layer gives " + previous + " outputs, expected "
          + classes + " classes");
    }
    for (Parameter p : all) {
      if (byName.put(p.name(), p) != null) {
        throw new IllegalArgumentException(name + ": two tensors named " + p.name());
      }
    }
    this.parameters = Collections.unmodifiableList(params);
    this.buffers = Collections.unmodifiableList(bufs);
    this.tensors = Collections.unmodifiableList(all);
  }

  /** The model's name, e.g. {@code lenet5}. */
  public String name() {
    return name;
  }

  /** Trainable tensors in PyTorch's {@code named_parameters()} order. */
  public List<Parameter> parameters() {
    return parameters;
  }

  /** Non-trainable state (BatchNorm running statistics). */
  public List<Parameter> buffers() {
    return buffers;
  }

  /** Every tensor a checkpoint holds, in PyTorch's {@code state_dict()} order (per layer: parameters, buffers). */
  public List<Parameter> tensors() {
    return tensors;
  }

  /**
   * The tensor named {@code name} (a parameter or a buffer).
   *
   * @throws IllegalArgumentException naming the known tensors when there is none
   */
  public Parameter parameter(String name) {
    Parameter p = byName.get(name);
    if (p == null) {
      throw new IllegalArgumentException(this.name + " has no tensor named '" + name + "'; it has "
          + byName.keySet());
    }
    return p;
  }

  /** The layers, input first. */
  public List<Layer> layers() {
    return layers;
  }

  /** Per-sample input shape (a copy): {@code [C, H, W]} or {@code [features]}. */
  public int[] inputShape() {
    return inputShape.clone();
  }

  /** The architecture as data: rebuilds this network with {@link ModelSpec#build(long)}. */
  public ModelSpec spec() {
    return new ModelSpec(name, inputShape, classes, layers.stream().map(Layer::spec).toList());
  }

  /** Tensors of the conv and linear weights: the pruning targets, in {@link #parameters()} order. */
  public List<Parameter> weights() {
    return parameters.stream().filter(Parameter::isWeight).toList();
  }

  public int inputChannels() {
    return inputChannels;
  }

  public int inputHeight() {
    return inputHeight;
  }

  public int inputWidth() {
    return inputWidth;
  }

  /** Floats per input sample: C·H·W. */
  public int inputSize() {
    return inputChannels * inputHeight * inputWidth;
  }

  /** Number of output classes (logits per sample). */
  public int classes() {
    return classes;
  }

  /** Number of trainable scalars. */
  public long parameterCount() {
    long n = 0;
    for (Parameter p : parameters) {
      n += p.size();
    }
    return n;
  }

  /** Training mode (batch statistics, dropout) or evaluation mode. */
  public void setTraining(boolean training) {
    this.training = training;
  }

  public boolean isTraining() {
    return training;
  }

  /** Buffers for batches of up to {@code capacity} samples with gradient arrays of its own. */
  public Workspace newWorkspace(int capacity) {
    return new Workspace(this, capacity, false);
  }

  /**
   * Buffers for batches of up to {@code capacity} samples; with {@code useParameterGradients} backward
   * writes straight into each {@link Parameter#grad()} (one workspace per model), otherwise into arrays
   * of its own (one per data-parallel shard).
   */
  public Workspace newWorkspace(int capacity, boolean useParameterGradients) {
    return new Workspace(this, capacity, useParameterGradients);
  }

  /** Logits {@code [count × classes]} of {@code images [count × C·H·W]}, in evaluation mode. */
  public synchronized float[] predictLogits(float[] images, int count) {
    if (count < 0 || (long) count * inputSize() > images.length) {
      throw new IllegalArgumentException("need " + ((long) count * inputSize()) + " floats for " + count
          + " images of " + inputSize() + ", got " + images.length);
    }
    float[] logits = new float[count * classes];
    if (count == 0) {
      return logits;
    }
    int chunk = Math.min(count, PREDICT_CHUNK);
    if (predictWorkspace == null || predictWorkspace.capacity() < chunk) {
      predictWorkspace = newWorkspace(chunk);
    }
    Workspace ws = predictWorkspace;
    int size = inputSize();
    for (int from = 0; from < count; from += chunk) {
      int n = Math.min(chunk, count - from);
      System.arraycopy(images, from * size, ws.input(), 0, n * size);
      float[] out = ws.forward(n, false);
      System.arraycopy(out, 0, logits, from * classes, n * classes);
    }
    return logits;
  }

  /** Index of the largest of {@code x[off .. off+n)} relative to off (first on ties). */
  public static int argmax(float[] x, int off, int n) {
    int best = 0;
    for (int c = 1; c < n; c++) {
      if (x[off + c] > x[off + best]) {
        best = c;
      }
    }
    return best;
  }

  @Override
  public String toString() {
    return name + " (" + parameterCount() + " parameters)";
  }
}
